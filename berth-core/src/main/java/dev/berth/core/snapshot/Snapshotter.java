package dev.berth.core.snapshot;

import dev.berth.core.layer.LayerDigest;
import dev.berth.core.layer.WhiteoutMode;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Layer and container filesystems, containerd-style: a committed snapshot is read-only and
 * named (image layers by chain ID hex); an active snapshot is writable, made on top of a
 * committed parent, and either committed (a layer just unpacked) or removed (a container).
 * The snapshotter describes mounts; the caller mounts them.
 *
 * <p>On disk: {@code snapshots/<id>/fs} (and {@code work} for overlay), with each snapshot's
 * parent in {@code snapshots/<id>/parent}, so callers name the parent once, at prepare (see
 * SnapshotDirs for the layout). Anything there that no metadata row names is garbage at start:
 * {@link #list} shows it (including {@code .tmp-*} left by a crash) and {@link #remove} takes it.
 *
 * <p>To unpack a layer, use {@link Snapshots#unpack}: it prepares a uniquely named active
 * snapshot, unpacks, checks the diff ID and commits by rename, and removes the active snapshot on
 * any failure — so a half-unpacked layer never appears under a committed name.
 */
public interface Snapshotter {
    /** The driver name reported by {@code /info} and in GraphDriver: {@code overlay2} or {@code vfs}. */
    String driver();

    /** How a layer tar's whiteouts must be written into {@link #prepare}'s directory. */
    WhiteoutMode whiteoutMode();

    /**
     * Creates active snapshot {@code key} on top of committed {@code parent} (null: empty) and
     * returns the directory to write into (a layer's upper directory, or for vfs a full copy).
     */
    Path prepare(String key, String parent);

    /**
     * As {@link #prepare}, for a layer unpacked before its parent is committed (a pull unpacks
     * the layers of an image side by side). Where {@link #whiteoutMode()} does not {@linkplain
     * WhiteoutMode#needsParentFiles need the parent's files}, the parent is only named, and is
     * needed when the snapshot is mounted; elsewhere it must exist, as for prepare.
     */
    default Path prepareAhead(String key, String parent) {
        return prepare(key, parent);
    }

    /**
     * Turns active {@code key} into committed {@code name} atomically (syncfs, then one rename);
     * ALREADY_EXISTS when name exists, and key then stays for the caller to remove.
     */
    void commit(String key, String name);

    boolean exists(String name);

    /**
     * How to mount snapshot {@code key}: active ones read-write (overlay lowerdir chain +
     * upper/work, or a bind for vfs), committed ones read-only. Mount with
     * {@link MountSpec#mountAt}, which honours {@link MountSpec#workingDir()}.
     */
    List<MountSpec> mounts(String key);

    /**
     * As {@link #mounts}, for active {@code key} whose files are thrown away after the one run it
     * is mounted for (a container with AutoRemove): the snapshotter may leave out what only makes
     * them durable.
     */
    default List<MountSpec> disposableMounts(String key) {
        return mounts(key);
    }

    /**
     * The directory holding snapshot {@code key}'s own files (not its parents'), for readers that
     * look at a layer without mounting it: inspect's GraphDriver data, user lookup in /etc/passwd.
     */
    Path directory(String key);

    /** Writes the changes of active {@code key} against its parent as a layer tar (with whiteouts). */
    default LayerDigest diff(String key, OutputStream layerTar) {
        return diff(key, layerTar, null);
    }

    /**
     * As {@link #diff(String, OutputStream)}, writing mtimes later than {@code clampMtimes} as it
     * (null: as they are), for reproducible layers ({@code SOURCE_DATE_EPOCH}).
     */
    LayerDigest diff(String key, OutputStream layerTar, Instant clampMtimes);

    /**
     * Removes an active or committed snapshot and its files; fine when absent. CONFLICT while
     * another snapshot names it as parent (remove children first).
     */
    void remove(String key);

    /**
     * Names and keys of everything on disk, committed or not, for garbage collection — in an order
     * safe for removal: crash leftovers first, then children before their parents.
     */
    List<String> list();

    /** Bytes used by the snapshot's own directory (not its parents). */
    long usage(String key);
}
