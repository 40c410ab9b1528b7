package dev.berth.build.builder;

import dev.berth.core.auth.RegistryCredentials;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One build, as {@code POST /build} asks for it (the classic endpoint's query parameters).
 *
 * @param dockerfile  the Dockerfile's path in the context ({@code Dockerfile} when empty)
 * @param tags        names to tag the result with
 * @param buildArgs   {@code --build-arg}s; a null value names an argument without a value
 * @param labels      labels added to the result, as LABEL steps at the end (sorted by key)
 * @param target      the stage to build, or null for the last
 * @param noCache     build every step again
 * @param pull        pull base images even when they are present
 * @param removeIntermediate  remove each step's container once it succeeded ({@code rm}); a failed
 *                    step's container is always removed (Berth leaves nothing of a failed build)
 * @param networkMode the RUN steps' network ({@code default}, {@code none}, {@code host})
 * @param extraHosts  {@code --add-host}s of the RUN steps ({@code name:ip}, {@code name:host-gateway})
 * @param resources   limits of the RUN steps' containers
 * @param cacheFrom   images whose history may stand for steps this build would run
 * @param platform    the target platform ({@code linux/amd64}), or null for the host's
 * @param secrets     secrets RUN --mount=type=secret may use, by id (never written into a layer)
 * @param registryAuth credentials for base image pulls, by registry (X-Registry-Config)
 * @param buildId     the client's id for {@code POST /build/cancel?id=}, or null
 */
public record BuildRequest(
        String dockerfile,
        List<String> tags,
        Map<String, String> buildArgs,
        Map<String, String> labels,
        String target,
        boolean noCache,
        boolean pull,
        boolean removeIntermediate,
        String networkMode,
        List<String> extraHosts,
        Resources resources,
        List<String> cacheFrom,
        String platform,
        Map<String, byte[]> secrets,
        Map<String, RegistryCredentials> registryAuth,
        String buildId) {

    public BuildRequest {
        tags = tags == null ? List.of() : List.copyOf(tags);
        buildArgs = buildArgs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(buildArgs));
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        networkMode = networkMode == null || networkMode.isEmpty() ? "default" : networkMode;
        extraHosts = extraHosts == null ? List.of() : List.copyOf(extraHosts);
        resources = resources == null ? Resources.NONE : resources;
        cacheFrom = cacheFrom == null ? List.of() : List.copyOf(cacheFrom);
        secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
        registryAuth = registryAuth == null ? Map.of() : Map.copyOf(registryAuth);
    }

    /** The RUN containers' limits (0 or empty: none). */
    public record Resources(
            long memory,
            long memorySwap,
            long cpuShares,
            String cpusetCpus,
            long cpuPeriod,
            long cpuQuota,
            long shmSize) {
        public static final Resources NONE = new Resources(0, 0, 0, "", 0, 0, 0);

        public Resources {
            cpusetCpus = cpusetCpus == null ? "" : cpusetCpus;
        }
    }
}
