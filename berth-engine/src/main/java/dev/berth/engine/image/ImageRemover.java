package dev.berth.engine.image;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.filter.Filters;
import dev.berth.core.metadata.ImageRow;
import dev.berth.core.metadata.LayerRow;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.metadata.RepoDigestDao;
import dev.berth.core.reference.ImageReference;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code docker rmi} and {@code docker image prune}, with Docker's rules
 * (daemon/images/image_delete.go): removing a reference untags; the image goes when no reference
 * and no container holds it; by ID, an image with several references needs force; rows go first,
 * then the files of layers no image holds any more. The last reference of an image a container
 * uses goes only with force, and the image then stays, dangling, for the container.
 */
public final class ImageRemover {
    private static final Set<String> PRUNE_FILTERS = Set.of("dangling", "until", "label", "label!");

    private final ImageStore store;
    private final MetadataStore db;
    private final LayerStore layers;
    private final Leases leases;
    private final ImageEvents events;
    private final Clock clock;
    private final ImageResolver resolver;
    private final ImageUsers users;

    public ImageRemover(
            ImageStore store,
            MetadataStore db,
            LayerStore layers,
            Leases leases,
            ImageEvents events,
            Clock clock,
            ImageResolver resolver,
            ImageUsers users) {
        this.store = store;
        this.db = db;
        this.layers = layers;
        this.leases = leases;
        this.events = events;
        this.clock = clock;
        this.resolver = resolver;
        this.users = users;
    }

    /** {@code DELETE /images/{name}?force=&noprune=}: the Untagged and Deleted entries, in Docker's order. */
    public List<DeleteItem> remove(String name, boolean force, boolean noPrune) {
        Digest id = resolver.resolve(name);
        List<DeleteItem> records = new ArrayList<>();
        List<ImageReference> refs = references(id);
        if (!isIdPrefix(id, name)) {
            ImageReference ref = ImageReference.parse(name).dockerRef();
            if (!force && isSingleReference(refs)) {
                // the last reference of an image a container uses: untagging would leave it dangling
                users.of(id).stream().findFirst().ifPresent(u -> {
                    throw BerthException.conflict(
                            "conflict: unable to remove repository reference \"%s\" (must force)"
                                    + " - container %s is using its referenced image %s",
                            name, shortId(u.containerId()), id.shortHex());
                });
            }
            untag(ref, id, records);
            refs = references(id);
            if (ref.digest().isEmpty()) {
                boolean sameRepoTagLeft = refs.stream()
                        .anyMatch(r -> r.digest().isEmpty() && r.repository().equals(ref.repository()));
                if (!sameRepoTagLeft) {
                    for (ImageReference r : refs) {
                        if (r.digest().isPresent() && r.repository().equals(ref.repository())) {
                            untag(r, id, records);
                        }
                    }
                    refs = references(id);
                }
            }
            if (!refs.isEmpty()) {
                return records;
            }
            // moby's quiet delete after removing a reference: an image that a container or a
            // child image still needs stays, dangling, and the untag is the whole answer
            if (!users.of(id).isEmpty()
                    || !db.read(tx -> tx.images().children(id)).isEmpty()) {
                return records;
            }
            delete(id, force, records);
            return records;
        } else if (isSingleReference(refs)) {
            checkConflicts(id, force, true);
            for (ImageReference r : refs) {
                untag(r, id, records);
            }
        }
        delete(id, force, records);
        return records;
    }

    private List<ImageReference> references(Digest id) {
        return db.read(tx -> {
            List<ImageReference> out = new ArrayList<>();
            for (String r : tx.tags().forImage(id)) {
                out.add(ImageReference.parse(r));
            }
            for (String r : tx.repoDigests().forImage(id)) {
                out.add(ImageReference.parse(r));
            }
            return out;
        });
    }

    /** Docker's isImageIDPrefix: the name typed is (a prefix of) the ID, with or without sha256:. */
    private static boolean isIdPrefix(Digest id, String name) {
        String hex = name.startsWith("sha256:") ? name.substring(7) : name;
        return !hex.isEmpty() && id.hex().startsWith(hex);
    }

    /** Docker's isSingleReference: at most one tag, and every reference in one repository. */
    private static boolean isSingleReference(List<ImageReference> refs) {
        if (refs.size() <= 1) {
            return refs.size() == 1;
        }
        ImageReference single = null;
        Set<String> canonical = new java.util.HashSet<>();
        for (ImageReference r : refs) {
            if (r.digest().isPresent()) {
                canonical.add(r.repository());
            } else if (single == null) {
                single = r;
            } else {
                return false;
            }
        }
        if (single == null) {
            single = refs.getFirst();
        }
        return canonical.size() == 1 && canonical.contains(single.repository());
    }

    private void untag(ImageReference ref, Digest id, List<DeleteItem> records) {
        String key = ref.toString();
        java.util.Optional<RepoDigestDao.Row> repoDigest =
                ref.digest().isPresent() ? db.read(tx -> tx.repoDigests().row(key)) : java.util.Optional.empty();
        boolean removed = db.inTransaction(tx -> ref.digest().isPresent()
                ? tx.repoDigests().delete(key)
                : tx.tags().delete(key));
        // Rows first, then the manifest blobs the repo digest kept (if nothing else keeps them).
        repoDigest.ifPresent(row -> {
            layers.deleteBlobIfUnused(row.manifestDigest());
            if (row.imageManifest() != null && !row.imageManifest().equals(row.manifestDigest())) {
                layers.deleteBlobIfUnused(row.imageManifest());
            }
        });
        if (removed) {
            records.add(DeleteItem.untagged(ref.familiarString()));
            events.publish("untag", id, id.toString(), labels(id));
        }
    }

    /** Docker's checkImageDeleteConflict. */
    private void checkConflicts(Digest id, boolean force, boolean ignoreReferences) {
        List<Digest> children = db.read(tx -> tx.images().children(id));
        if (!children.isEmpty()) {
            throw conflict(id, true, "image has dependent child images");
        }
        for (ImageUsers.User u : users.of(id)) {
            if (u.running()) {
                throw conflict(id, true, "image is being used by running container " + shortId(u.containerId()));
            }
        }
        if (force) {
            return;
        }
        if (!ignoreReferences && !references(id).isEmpty()) {
            throw conflict(id, false, "image is referenced in multiple repositories");
        }
        for (ImageUsers.User u : users.of(id)) {
            throw conflict(id, false, "image is being used by stopped container " + shortId(u.containerId()));
        }
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    private static BerthException conflict(Digest id, boolean hard, String message) {
        return BerthException.conflict(
                "conflict: unable to delete %s (%s) - %s",
                id.shortHex(), hard ? "cannot be forced" : "must be forced", message);
    }

    /** Docker's imageDeleteHelper: checks, drops every reference, the image row, then unused layers. */
    private void delete(Digest id, boolean force, List<DeleteItem> records) {
        checkConflicts(id, force, false);
        for (ImageReference r : references(id)) {
            untag(r, id, records);
        }
        java.util.Map<String, String> labels = labels(id);
        // An operation that leased the image (a container being created on it, a push, a load
        // of it) keeps it, as a container that uses it does: untagged, it stays dangling.
        boolean deleted = leases.unlessLeased(id, () -> deleteRow(id)).orElse(false);
        if (!deleted) {
            return;
        }
        store.forget(id);
        layers.deleteBlobIfUnused(id);
        events.publish("delete", id, id.toString(), labels);
        records.add(DeleteItem.deleted(id.toString()));
        for (LayerRow l : layers.removeUnreferenced()) {
            records.add(DeleteItem.deleted(l.chainId().toString()));
        }
    }

    /** The image's row, unless a tag came or a container uses it meanwhile. */
    private boolean deleteRow(Digest id) {
        return db.inTransaction(tx -> {
            // Checked again inside the transaction: a tag may have arrived since.
            if (!tx.tags().forImage(id).isEmpty()
                    || !tx.repoDigests().forImage(id).isEmpty()) {
                throw conflict(id, false, "image is referenced in multiple repositories");
            }
            // Forced past a stopped container: the container keeps its image (as Docker's
            // containerd store does), which stays dangling until the container goes. Inside the
            // transaction, so that no container is created on it meanwhile.
            if (!users.of(id).isEmpty()) {
                return false;
            }
            return tx.images().delete(id);
        });
    }

    private Map<String, String> labels(Digest id) {
        try {
            return store.config(id).value().configOrEmpty().labels();
        } catch (BerthException e) {
            return null;
        }
    }

    /** What prune removed and the bytes of layer files it freed. */
    public record PruneReport(List<DeleteItem> deleted, long spaceReclaimed) {}

    /**
     * {@code POST /images/prune}: dangling images (or, with {@code dangling=false}, every image no
     * container uses), narrowed by {@code until} and {@code label}/{@code label!}; images in use are
     * skipped silently, as Docker does.
     */
    public PruneReport prune(Map<String, List<String>> filters) {
        Filters.requireOnly(filters, PRUNE_FILTERS);
        Boolean dangling = Filters.bool(filters, "dangling");
        boolean danglingOnly = dangling == null || dangling;
        Instant now = clock.instant();
        Instant until = null;
        for (String u : filters.getOrDefault("until", List.of())) {
            until = Filters.timestamp(u, now);
        }
        List<String> labels = filters.get("label");
        List<String> notLabels = filters.get("label!");
        Map<Digest, LayerRow> layersBefore = new HashMap<>();
        db.read(tx -> tx.layers().all()).forEach(l -> layersBefore.put(l.chainId(), l));

        List<ImageRow> rows = db.read(tx -> tx.images().all());
        Set<Digest> parents = new java.util.HashSet<>();
        rows.forEach(r -> {
            if (r.parent() != null) {
                parents.add(r.parent());
            }
        });
        List<DeleteItem> deleted = new ArrayList<>();
        for (ImageRow row : rows) {
            List<ImageReference> refs = references(row.id());
            if (refs.isEmpty() && parents.contains(row.id())) {
                continue;
            }
            if (danglingOnly && parents.contains(row.id())) {
                continue;
            }
            if (until != null && row.createdUnix() > until.getEpochSecond()) {
                continue;
            }
            Map<String, String> imageLabels = labels(row.id());
            if (!Filters.labelsMatch(labels, imageLabels)) {
                continue;
            }
            if (notLabels != null && !notLabels.isEmpty() && anyLabel(notLabels, imageLabels)) {
                continue;
            }
            try {
                if (!refs.isEmpty()) {
                    boolean hasTag = refs.stream()
                            .anyMatch(r -> r.tag().isPresent() && r.digest().isEmpty());
                    if (danglingOnly && hasTag) {
                        continue;
                    }
                    for (ImageReference r : refs) {
                        try {
                            deleted.addAll(remove(r.toString(), false, false));
                        } catch (BerthException e) {
                            if (e.kind() != dev.berth.core.error.ErrorKind.CONFLICT
                                    && e.kind() != dev.berth.core.error.ErrorKind.NOT_FOUND) {
                                throw e;
                            }
                        }
                    }
                } else {
                    deleted.addAll(remove(row.id().hex(), false, false));
                }
            } catch (BerthException e) {
                if (e.kind() != dev.berth.core.error.ErrorKind.CONFLICT
                        && e.kind() != dev.berth.core.error.ErrorKind.NOT_FOUND) {
                    throw e;
                }
            }
        }
        long reclaimed = 0;
        for (DeleteItem d : deleted) {
            if (d.deleted() != null) {
                LayerRow l = layersBefore.get(Digest.parse(d.deleted()));
                if (l != null) {
                    reclaimed += l.size();
                }
            }
        }
        return new PruneReport(deleted, reclaimed);
    }

    private static boolean anyLabel(List<String> wanted, Map<String, String> labels) {
        for (String w : wanted) {
            if (Filters.labelsMatch(List.of(w), labels)) {
                return true;
            }
        }
        return false;
    }
}
