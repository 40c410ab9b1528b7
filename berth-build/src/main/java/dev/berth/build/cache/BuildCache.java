package dev.berth.build.cache;

import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.MetadataStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The build cache: which image each step made, by its {@link StepKey}. It lives in the metadata
 * database next to the images it names, so it survives a daemon restart; a row goes when its
 * image goes (rmi, prune), and a hit is only a hit while the image exists.
 */
public final class BuildCache {
    private final MetadataStore db;
    private final Clock clock;

    public BuildCache(MetadataStore db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** The image a step with this key made, counted as used now. */
    public Optional<Digest> lookup(String key) {
        return db.inTransaction(tx -> {
            BuildCacheDao dao = new BuildCacheDao(tx);
            Optional<CacheRow> row = dao.get(key);
            if (row.isEmpty() || tx.images().get(row.get().imageId()).isEmpty()) {
                return Optional.empty();
            }
            dao.touch(key, clock.instant().getEpochSecond());
            return Optional.of(row.get().imageId());
        });
    }

    /** Records that the step with {@code key} made {@code imageId}, adding a layer of {@code size} bytes. */
    public void record(String key, Digest imageId, String description, long size) {
        long now = clock.instant().getEpochSecond();
        db.inTransaction(tx -> {
            new BuildCacheDao(tx).put(new CacheRow(key, imageId, description, size, now, now, 0));
            return null;
        });
    }

    public List<CacheRow> rows() {
        return db.read(tx -> new BuildCacheDao(tx).all());
    }

    /** Forgets the given entries (their images stay until nothing else holds them). */
    public void forget(List<String> keys) {
        db.inTransaction(tx -> {
            BuildCacheDao dao = new BuildCacheDao(tx);
            for (String key : keys) {
                dao.delete(key);
            }
            return null;
        });
    }
}
