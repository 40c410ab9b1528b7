package dev.berth.engine.image;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.reference.ImageReference;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds an image by what a user types, in Docker's order (daemon/images/image.go GetImage): a full
 * ID ({@code sha256:<hex>} or 64 hex), a reference (tag or digest; a bare name means
 * {@code :latest}), then an ID prefix (with or without {@code sha256:}).
 */
public final class ImageResolver {
    private static final Pattern SHORT_ID = Pattern.compile("(sha256:)?[a-f0-9]{1,64}");

    private final MetadataStore db;

    public ImageResolver(MetadataStore db) {
        this.db = db;
    }

    /** The image's ID; NOT_FOUND "No such image: …", INVALID_ARGUMENT for malformed names. */
    public Digest resolve(String name) {
        return find(name).orElseThrow(() -> notFound(name));
    }

    public Optional<Digest> find(String name) {
        if (name == null || name.isEmpty()) {
            throw BerthException.invalid("invalid reference format");
        }
        Optional<Digest> id = ImageReference.parseId(name);
        if (id.isPresent()) {
            Digest d = id.get();
            return db.read(tx -> tx.images().get(d)).map(r -> d);
        }
        ImageReference ref = ImageReference.parse(name);
        Optional<Digest> byRef = lookup(ref);
        if (byRef.isPresent()) {
            return byRef;
        }
        if (SHORT_ID.matcher(name).matches()) {
            String prefix = name.startsWith("sha256:") ? name : "sha256:" + name;
            List<Digest> ids = db.read(tx -> tx.images().idsWithPrefix(prefix));
            // an ambiguous prefix names no image: moby's GetImage answers "No such image" then too
            return ids.size() == 1 ? Optional.of(ids.getFirst()) : Optional.empty();
        }
        return Optional.empty();
    }

    /** The image a reference (tag or digest) points at; a name without either means {@code :latest}. */
    public Optional<Digest> lookup(ImageReference ref) {
        ImageReference key = ref.dockerRef();
        if (key.digest().isPresent()) {
            return db.read(tx -> tx.repoDigests().get(key.toString()));
        }
        return db.read(tx -> tx.tags().get(key.toString()));
    }

    /** Docker's ErrImageDoesNotExist text: the familiar reference with :latest added, or the name as typed. */
    public static BerthException notFound(String name) {
        String shown = name;
        if (ImageReference.parseId(name).isEmpty()) {
            try {
                shown = ImageReference.parse(name).withDefaultTag().familiarString();
            } catch (BerthException e) {
                // not a reference: show as typed
            }
        }
        return BerthException.notFound("No such image: %s", shown);
    }
}
