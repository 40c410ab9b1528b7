package dev.berth.engine.image;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.reference.ImageReference;
import java.time.Clock;

/** {@code docker tag}: points a repository:tag at an image (moving it off another image). */
public final class TagService {
    private final ImageStore store;
    private final MetadataStore db;
    private final ImageEvents events;
    private final Clock clock;
    private final ImageResolver resolver;

    public TagService(ImageStore store, MetadataStore db, ImageEvents events, Clock clock, ImageResolver resolver) {
        this.store = store;
        this.db = db;
        this.events = events;
        this.clock = clock;
        this.resolver = resolver;
    }

    /**
     * Tags the image {@code source} names as {@code repo:tag} ({@code tag} empty: latest), as
     * {@code POST /images/{name}/tag} does.
     *
     * @return the new reference
     */
    public ImageReference tag(String source, String repo, String tag) {
        ImageReference ref = repoTag(repo, tag);
        Digest id = resolver.resolve(source);
        tag(id, ref);
        return ref;
    }

    /** Docker's RepoTagReference: {@code repo} (maybe with a tag) plus an optional {@code tag}; never a digest. */
    public static ImageReference repoTag(String repo, String tag) {
        if (repo == null || repo.isEmpty()) {
            throw BerthException.invalid("repository name must have at least one component");
        }
        ImageReference ref = ImageReference.parse(repo);
        if (ref.digest().isPresent()) {
            throw BerthException.invalid("cannot import digest reference");
        }
        if (tag != null && !tag.isEmpty()) {
            ref = ref.withTag(tag);
        }
        if (ref.familiarName().equals("sha256")) {
            throw BerthException.invalid("refusing to create an ambiguous tag using digest algorithm as name");
        }
        return ref.withDefaultTag();
    }

    /** Points {@code ref} (name:tag) at image {@code id}. */
    public void tag(Digest id, ImageReference ref) {
        String now = clock.instant().toString();
        long epoch = clock.instant().getEpochSecond();
        String key = ref.toString();
        db.inTransaction(tx -> {
            tx.tags().put(key, id, epoch);
            tx.images().setLastTagTime(id, now);
            return null;
        });
        events.publish("tag", id, ref.familiarString(), labels(id));
    }

    private java.util.Map<String, String> labels(Digest id) {
        try {
            return store.config(id).value().configOrEmpty().labels();
        } catch (BerthException e) {
            return null;
        }
    }
}
