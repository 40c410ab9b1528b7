package dev.berth.build.builder;

import dev.berth.build.cache.BuildCache;
import dev.berth.build.cache.CacheRow;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.filter.Filters;
import dev.berth.core.metadata.ImageRow;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.engine.image.DeleteItem;
import dev.berth.engine.image.ImageServices;
import dev.berth.engine.image.ImageUsers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The build cache as {@code docker system df} shows it and {@code docker builder prune} frees it:
 * one record per cached step (type {@code regular}: the layer the step added; shared while a
 * tagged image or a container still holds the step's image) and one per RUN cache mount (type
 * {@code exec.cachemount}). Pruning forgets the records, then removes the step images nothing
 * else holds any more, and the cache mounts no step uses.
 */
public final class BuildCacheUsage {
    private static final Set<String> FILTERS =
            Set.of("until", "id", "type", "description", "inuse", "shared", "private");

    private final BuildCache cache;
    private final CacheMounts mounts;
    private final ImageServices images;
    private final MetadataStore db;
    private final ImageUsers users;

    BuildCacheUsage(BuildCache cache, CacheMounts mounts, ImageServices images, MetadataStore db, ImageUsers users) {
        this.cache = cache;
        this.mounts = mounts;
        this.images = images;
        this.db = db;
        this.users = users;
    }

    /** One record, with Docker's BuildCache fields. */
    public record Record(
            String id,
            String type,
            String description,
            boolean inUse,
            boolean shared,
            long size,
            Instant createdAt,
            Instant lastUsedAt,
            int usageCount) {}

    public List<Record> records() {
        Set<Digest> held = held();
        List<Record> out = new ArrayList<>();
        for (CacheRow row : cache.rows()) {
            out.add(new Record(
                    row.key().substring(0, 25),
                    "regular",
                    row.description(),
                    false,
                    held.contains(row.imageId()),
                    row.size(),
                    Instant.ofEpochSecond(row.created()),
                    Instant.ofEpochSecond(row.lastUsed()),
                    row.usageCount()));
        }
        for (CacheMounts.Entry e : mounts.list()) {
            out.add(new Record(
                    e.hash().substring(0, 25),
                    "exec.cachemount",
                    "cache mount " + e.id(),
                    e.inUse(),
                    false,
                    e.size(),
                    e.lastUsed(),
                    e.lastUsed(),
                    0));
        }
        return out;
    }

    /** What {@code POST /build/prune} freed. */
    public record Pruned(List<String> ids, long spaceReclaimed) {}

    /**
     * Frees the build cache: with {@code all}, every record no image or container holds; without,
     * the same (a step image nothing holds is all that "dangling" can mean here). The most
     * recently used records stay while their total is within {@code keepStorage} bytes (0: none
     * kept). {@code filters}: until, id, type, description, inuse, shared, private.
     */
    public Pruned prune(boolean all, long keepStorage, Map<String, List<String>> filters, Instant now) {
        Filters.requireOnly(filters, FILTERS);
        List<Record> candidates = new ArrayList<>();
        for (Record r : records()) {
            if (r.inUse() || (r.shared() && !all)) {
                continue;
            }
            if (matches(r, filters, now)) {
                candidates.add(r);
            }
        }
        candidates.sort(Comparator.comparing(Record::lastUsedAt).reversed());
        long kept = 0;
        List<Record> doomed = new ArrayList<>();
        for (Record r : candidates) {
            if (keepStorage > 0 && kept + r.size() <= keepStorage) {
                kept += r.size();
            } else {
                doomed.add(r);
            }
        }
        Map<String, CacheRow> rows = new HashMap<>();
        for (CacheRow row : cache.rows()) {
            rows.put(row.key().substring(0, 25), row);
        }
        List<String> ids = new ArrayList<>();
        List<CacheRow> forgotten = new ArrayList<>();
        long reclaimed = 0;
        for (Record r : doomed) {
            if (r.type().equals("exec.cachemount")) {
                if (mounts.remove(matchingHash(r.id()))) {
                    ids.add(r.id());
                    reclaimed += r.size();
                }
            } else if (rows.containsKey(r.id())) {
                forgotten.add(rows.get(r.id()));
                ids.add(r.id());
            }
        }
        cache.forget(forgotten.stream().map(CacheRow::key).toList());
        Set<Digest> deleted = removeUnheld(forgotten);
        for (CacheRow row : forgotten) {
            if (deleted.contains(row.imageId())) {
                reclaimed += row.size();
            }
        }
        return new Pruned(ids, reclaimed);
    }

    private String matchingHash(String shortId) {
        return mounts.list().stream()
                .map(CacheMounts.Entry::hash)
                .filter(h -> h.startsWith(shortId))
                .findFirst()
                .orElse(shortId);
    }

    /**
     * Removes the step images of forgotten records that nothing holds now (no tag, no child image,
     * no container, no other cache record), and then their parents while the same holds.
     */
    private Set<Digest> removeUnheld(List<CacheRow> forgotten) {
        Set<Digest> deleted = new HashSet<>();
        Set<Digest> cached = new HashSet<>();
        cache.rows().forEach(r -> cached.add(r.imageId()));
        for (CacheRow row : forgotten) {
            Digest id = row.imageId();
            while (id != null && !cached.contains(id) && removable(id)) {
                Digest parent = images.store().row(id).map(ImageRow::parent).orElse(null);
                try {
                    for (DeleteItem item : images.remover().remove(id.toString(), false, true)) {
                        if (item.deleted() != null) {
                            deleted.add(Digest.parse(item.deleted()));
                        }
                    }
                } catch (BerthException e) {
                    if (e.kind() != ErrorKind.CONFLICT && e.kind() != ErrorKind.NOT_FOUND) {
                        throw e;
                    }
                    break;
                }
                id = parent;
            }
        }
        return deleted;
    }

    private boolean removable(Digest id) {
        return db.read(tx -> tx.images().get(id).isPresent()
                        && tx.tags().forImage(id).isEmpty()
                        && tx.images().children(id).isEmpty())
                && users.of(id).isEmpty();
    }

    /** The images a tag or a container holds, and all their ancestors: their steps' layers are shared. */
    private Set<Digest> held() {
        Set<Digest> held = new HashSet<>();
        Map<Digest, Digest> parents = new HashMap<>();
        List<ImageRow> rows = db.read(tx -> tx.images().all());
        rows.forEach(r -> parents.put(r.id(), r.parent()));
        Set<Digest> tagged = new HashSet<>(db.read(tx -> tx.tags().all()).values());
        for (ImageRow r : rows) {
            if (tagged.contains(r.id()) || !users.of(r.id()).isEmpty()) {
                for (Digest id = r.id(); id != null && held.add(id); id = parents.get(id)) {
                    // walk up to the base
                }
            }
        }
        return held;
    }

    private static boolean matches(Record r, Map<String, List<String>> filters, Instant now) {
        for (String id : filters.getOrDefault("id", List.of())) {
            if (!r.id().startsWith(id)) {
                return false;
            }
        }
        for (String type : filters.getOrDefault("type", List.of())) {
            if (!r.type().equals(type)) {
                return false;
            }
        }
        for (String d : filters.getOrDefault("description", List.of())) {
            if (!r.description().contains(d)) {
                return false;
            }
        }
        for (String until : filters.getOrDefault("until", List.of())) {
            if (!r.createdAt().isBefore(Filters.timestamp(until, now))) {
                return false;
            }
        }
        Boolean inUse = Filters.bool(filters, "inuse");
        if (inUse != null && inUse != r.inUse()) {
            return false;
        }
        Boolean shared = Filters.bool(filters, "shared");
        if (shared != null && shared != r.shared()) {
            return false;
        }
        Boolean priv = Filters.bool(filters, "private");
        return priv == null || priv == !r.shared();
    }
}
