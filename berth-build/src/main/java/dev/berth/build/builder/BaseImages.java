package dev.berth.build.builder;

import dev.berth.core.auth.RegistryCredentials;
import dev.berth.core.digest.Digest;
import dev.berth.core.image.ContainerConfig;
import dev.berth.core.image.ImageConfig;
import dev.berth.core.image.Platforms;
import dev.berth.core.image.RootFs;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.reference.ImageReference;
import dev.berth.engine.distribution.PullService;
import dev.berth.engine.image.ImageServices;
import dev.berth.engine.image.ProgressListener;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The images a build starts from (FROM) or copies from ({@code COPY --from=<image>}): the local
 * image of that name, else (or with {@code pull}) the image pulled, as dockerd does; and
 * {@code scratch}, the empty image.
 */
final class BaseImages {
    private final ImageServices images;
    private final MetadataStore db;
    private final PullService pulls;

    BaseImages(ImageServices images, MetadataStore db, PullService pulls) {
        this.images = images;
        this.db = db;
        this.pulls = pulls;
    }

    /**
     * The image {@code name} names.
     *
     * @param platform the platform to pull for ({@code os/arch}), or null for the host's
     * @param auth     credentials by registry, as X-Registry-Config gives them
     */
    StageImage resolve(
            String name,
            String platform,
            boolean pull,
            Map<String, RegistryCredentials> auth,
            ProgressListener progress) {
        if (name.equalsIgnoreCase("scratch")) {
            return scratch(platform);
        }
        Optional<Digest> local = pull ? Optional.empty() : images.resolver().find(name);
        Digest id = local.orElseGet(() -> {
            ImageReference ref = ImageReference.parse(name).withDefaultTag();
            return pulls.pull(ref, platform, credentials(ref, auth), progress).imageId();
        });
        return of(id);
    }

    /** A stored image as a build's starting point: its key is its ID. */
    StageImage of(Digest id) {
        ImageConfig config = images.store().config(id).value();
        List<Digest> chain = db.read(tx -> tx.images().layers(id));
        return new StageImage(id, config, chain, id.toString());
    }

    /** {@code FROM scratch}: no layer, no config, the target platform. */
    static StageImage scratch(String platform) {
        String[] parts = platform == null || platform.isEmpty()
                ? new String[] {"linux", Platforms.hostArchitecture()}
                : platform.split("/");
        ImageConfig empty = new ImageConfig(
                parts.length > 1 ? parts[1] : Platforms.hostArchitecture(),
                parts.length > 2 ? parts[2] : null,
                parts[0],
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                ContainerConfig.EMPTY,
                RootFs.layers(List.of()),
                List.of());
        return new StageImage(null, empty, List.of(), "scratch");
    }

    /**
     * The credentials X-Registry-Config holds for the registry of {@code ref}: Docker Hub under
     * {@code https://index.docker.io/v1/}, others by host (with or without a scheme).
     */
    private static RegistryCredentials credentials(ImageReference ref, Map<String, RegistryCredentials> auth) {
        String domain = ref.domain();
        for (Map.Entry<String, RegistryCredentials> e : auth.entrySet()) {
            String key = e.getKey().replaceFirst("^https?://", "").replaceFirst("/.*$", "");
            boolean hub = domain.equals(ImageReference.DEFAULT_DOMAIN)
                    && (key.equals("index.docker.io") || key.equals("docker.io") || key.equals("registry-1.docker.io"));
            if (key.equals(domain) || hub) {
                return e.getValue();
            }
        }
        return RegistryCredentials.ANONYMOUS;
    }
}
