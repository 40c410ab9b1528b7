package dev.berth.engine.image;

import dev.berth.core.content.BlobInfo;
import dev.berth.core.content.BlobStore;
import dev.berth.core.content.BlobWriter;
import dev.berth.core.digest.ChainId;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.image.MediaTypes;
import dev.berth.core.layer.LayerDigest;
import dev.berth.core.metadata.LayerRow;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.metadata.Tx;
import dev.berth.core.snapshot.Snapshotter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Unpacked layers: each layer is unpacked once, into the committed snapshot named by its chain
 * ID, and shared by every image whose chain contains it.
 *
 * <p>Files first, rows last: {@link #unpack} extracts into an active snapshot, checks the diff
 * ID, commits the snapshot, and hands back the row for the caller's one transaction. Removal is
 * the reverse ({@link #removeUnreferenced}): rows go in a transaction, then the snapshot and
 * blob. A crash in between leaves files no row names, which the start-up check removes.
 */
public final class LayerStore {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LayerStore.class);
    private final MetadataStore db;
    private final BlobStore blobs;
    private final Snapshotter snapshots;
    private final LayerApplier applier;
    private final Leases leases;
    private final Clock clock;

    public LayerStore(
            MetadataStore db,
            BlobStore blobs,
            Snapshotter snapshots,
            LayerApplier applier,
            Leases leases,
            Clock clock) {
        this.db = db;
        this.blobs = blobs;
        this.snapshots = snapshots;
        this.applier = applier;
        this.leases = leases;
        this.clock = clock;
    }

    /** The committed snapshot name of a layer. */
    public static String snapshotName(Digest chainId) {
        return chainId.hex();
    }

    public Snapshotter snapshotter() {
        return snapshots;
    }

    public Optional<LayerRow> get(Digest chainId) {
        return db.read(tx -> tx.layers().get(chainId));
    }

    /**
     * Makes layer {@code diffId} on top of {@code parentChainId} (null: the bottom layer) exist
     * as a committed snapshot, unpacking {@code blob} when needed. The caller holds a lease on the
     * chain ID and inserts the returned row (when {@link Unpacked#isNew}) in its transaction.
     */
    public Unpacked unpack(Digest parentChainId, Digest diffId, LayerBlob blob, ProgressListener progress) {
        return unpack(parentChainId, diffId, blob, () -> blobs.open(blob.digest()), progress);
    }

    /** Whether the layers of an image may be unpacked side by side, each before its parent is. */
    public boolean unpacksSideBySide() {
        return !snapshots.whiteoutMode().needsParentFiles();
    }

    /**
     * As {@link #unpack(Digest, Digest, LayerBlob, ProgressListener)}, reading the blob's bytes
     * from {@code source} (a pull streams a layer while it downloads). The source must end only
     * once {@code blob} is committed in the content store, and fail rather than end if it is not.
     */
    public Unpacked unpack(
            Digest parentChainId,
            Digest diffId,
            LayerBlob blob,
            java.util.function.Supplier<InputStream> source,
            ProgressListener progress) {
        Digest chainId = parentChainId == null ? diffId : ChainId.next(parentChainId, diffId);
        ReentrantLock lock = leases.lockFor(chainId);
        lock.lock();
        try {
            Optional<LayerRow> existing = get(chainId);
            if (existing.isPresent()) {
                return new Unpacked(existing.get(), false);
            }
            String name = snapshotName(chainId);
            long size;
            if (snapshots.exists(name)) {
                // Committed by an earlier operation that has not written its row yet (or crashed
                // after the commit): the name is the chain ID, so the content is the same.
                size = snapshots.usage(name);
            } else {
                size = extract(parentChainId, diffId, blob, source, name, progress);
            }
            LayerRow row = new LayerRow(
                    chainId,
                    diffId,
                    parentChainId,
                    name,
                    size,
                    blob.digest(),
                    blob.mediaType(),
                    blob.size(),
                    clock.instant().getEpochSecond());
            return new Unpacked(row, true);
        } finally {
            lock.unlock();
        }
    }

    /** A layer made from a writable snapshot: the layer (its row to insert when new) and its blob. */
    public record Committed(Unpacked layer, LayerBlob blob) {}

    /** The diff ID of a tar with no entries, which builds drop rather than add (as Docker's builders do). */
    public static final Digest EMPTY_TAR =
            Digest.parse("sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef");

    /**
     * Turns active snapshot {@code key}, made on top of {@code parentChainId} (null: none), into a
     * layer without unpacking it a second time: its changes are written once, as an uncompressed
     * layer blob whose digest is its diff ID, and the snapshot itself is committed under the
     * layer's chain ID (or removed, when that layer exists already). For a writable layer that is
     * done with: a build step's container, files a build wrote. A snapshot without changes is
     * removed and gives no layer. {@code lease} takes the blob and the chain ID, to hold until the
     * caller's rows refer to them.
     *
     * @param clampMtimes mtimes later than this are written as it (SOURCE_DATE_EPOCH), or null
     */
    public Optional<Committed> commitActive(String key, Digest parentChainId, Instant clampMtimes, Leases.Lease lease) {
        Optional<Diff> diff = writeDiff(key, clampMtimes, lease, true);
        if (diff.isEmpty()) {
            snapshots.remove(key);
            return Optional.empty();
        }
        Digest diffId = diff.get().written().diffId();
        Digest chainId = parentChainId == null ? diffId : ChainId.next(parentChainId, diffId);
        lease.add(chainId);
        ReentrantLock lock = leases.lockFor(chainId);
        lock.lock();
        try {
            Optional<LayerRow> existing = get(chainId);
            if (existing.isPresent()) {
                snapshots.remove(key);
                return Optional.of(new Committed(
                        new Unpacked(existing.get(), false), diff.get().blob()));
            }
            String name = snapshotName(chainId);
            if (snapshots.exists(name)) {
                snapshots.remove(key); // the same content, committed by a step whose row is not written yet
            } else {
                snapshots.commit(key, name);
            }
            LayerBlob blob = diff.get().blob();
            LayerRow row = new LayerRow(
                    chainId,
                    diffId,
                    parentChainId,
                    name,
                    diff.get().written().contentSize(),
                    blob.digest(),
                    blob.mediaType(),
                    blob.size(),
                    clock.instant().getEpochSecond());
            return Optional.of(new Committed(new Unpacked(row, true), blob));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes a layer of the changes of active snapshot {@code key} (on top of
     * {@code parentChainId}) that stays in use ({@code docker commit} of a container that lives
     * on): the changes are written as an uncompressed blob and unpacked into the layer's own
     * snapshot. An empty diff still makes a layer, as Docker's commit does.
     */
    public Committed commitCopy(String key, Digest parentChainId, Leases.Lease lease) {
        Diff diff = writeDiff(key, null, lease, false).orElseThrow();
        Unpacked layer = unpack(parentChainId, diff.written().diffId(), diff.blob(), ProgressListener.NONE);
        lease.add(layer.chainId());
        return new Committed(layer, diff.blob());
    }

    private record Diff(LayerDigest written, LayerBlob blob) {}

    /** Writes the changes of {@code key} into the content store (leased), or nothing when there are none and {@code dropEmpty}. */
    private Optional<Diff> writeDiff(String key, Instant clampMtimes, Leases.Lease lease, boolean dropEmpty) {
        try (BlobWriter writer = blobs.writer("layer-" + key)) {
            try {
                OutputStream out = writer.output();
                LayerDigest written = snapshots.diff(key, out, clampMtimes);
                out.flush();
                if (dropEmpty && written.diffId().equals(EMPTY_TAR)) {
                    writer.abort();
                    return Optional.empty();
                }
                lease.add(written.diffId());
                BlobInfo info = writer.commit(written.diffId(), written.uncompressedSize());
                return Optional.of(new Diff(written, new LayerBlob(info.digest(), info.size(), MediaTypes.OCI_LAYER)));
            } catch (IOException | RuntimeException e) {
                writer.abort();
                throw e instanceof RuntimeException r
                        ? r
                        : BerthException.unavailable("cannot write the layer of %s: %s", key, e.getMessage());
            }
        }
    }

    /** A layer ready to be referenced; {@code isNew} when its row still has to be inserted. */
    public record Unpacked(LayerRow row, boolean isNew) {
        public Digest chainId() {
            return row.chainId();
        }
    }

    /** Inserts the rows of new layers in the caller's transaction (bottom first). */
    public static void insertNew(Tx tx, List<Unpacked> layers) throws SQLException {
        for (Unpacked u : layers) {
            if (u.isNew() && tx.layers().get(u.chainId()).isEmpty()) {
                tx.layers().insert(u.row());
            }
        }
    }

    private long extract(
            Digest parentChainId,
            Digest diffId,
            LayerBlob blob,
            java.util.function.Supplier<InputStream> source,
            String name,
            ProgressListener progress) {
        String key = "extract-" + UUID.randomUUID() + "-" + diffId.shortHex();
        String parent = parentChainId == null ? null : snapshotName(parentChainId);
        boolean committed = false;
        long started = System.nanoTime();
        try {
            // a pull may unpack this layer before its parent is committed (unpacksSideBySide)
            Path dir = snapshots.prepareAhead(key, parent);
            LayerDigest applied;
            // The applier decompresses and hashes the diff ID as it unpacks: one pass, one hash.
            try (InputStream raw = new ProgressInputStream(
                    source.get(), blob.size(), name.substring(0, 12), "Loading layer", progress)) {
                applied = applier.applyBlob(raw, dir, snapshots.whiteoutMode(), diffId.algorithm());
            } catch (IOException e) {
                throw BerthException.invalid("cannot read layer %s: %s", blob.digest(), e.getMessage());
            }
            long size = applied.contentSize();
            Digest seen = applied.diffId();
            if (!seen.equals(diffId)) {
                throw BerthException.dataLoss(
                        "layer %s has diff ID %s, but the image config says %s", blob.digest(), seen, diffId);
            }
            long unpacked = System.nanoTime();
            snapshots.commit(key, name);
            committed = true;
            LOG.debug(
                    "layer {}: unpacked {} MB in {} ms, committed in {} ms",
                    diffId.shortHex(),
                    applied.uncompressedSize() >> 20,
                    (unpacked - started) / 1_000_000,
                    (System.nanoTime() - unpacked) / 1_000_000);
            return size;
        } finally {
            if (!committed) {
                snapshots.remove(key);
            }
        }
    }

    /**
     * Removes every layer no image and no child layer holds (and no operation has leased): rows
     * first, in one transaction, then snapshots and blobs that no remaining row names.
     *
     * @return the removed layers, top first
     */
    public List<LayerRow> removeUnreferenced() {
        List<LayerRow> removed = db.inTransaction(tx -> tx.layers().deleteUnreferenced(leases::isLeased));
        for (LayerRow l : removed) {
            ReentrantLock lock = leases.lockFor(l.chainId());
            lock.lock();
            try {
                // A load may have re-made this layer's row since; then the snapshot is its again.
                if (get(l.chainId()).isEmpty() && !leases.isLeased(l.chainId())) {
                    snapshots.remove(l.snapshotKey());
                }
            } finally {
                lock.unlock();
            }
            if (l.blobDigest() != null) {
                deleteBlobIfUnused(l.blobDigest());
            }
        }
        return removed;
    }

    /** Deletes a blob when no row names it and no operation has leased it. */
    public void deleteBlobIfUnused(Digest digest) {
        leases.removeUnlessLeased(digest, () -> {
            boolean used = db.read(tx -> BlobReferences.isReferenced(tx, digest));
            if (!used) {
                blobs.delete(digest);
            }
        });
    }
}
