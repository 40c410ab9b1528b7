package dev.berth.build.builder;

import dev.berth.core.digest.Digest;
import dev.berth.core.snapshot.Snapshotter;
import dev.berth.core.sys.Mounts;
import dev.berth.engine.image.LayerStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A snapshot mounted in the build's workspace for the daemon to read or write files through:
 * an image's layers read-only (COPY --from, a bind mount from a stage), or a new writable
 * snapshot on top of them (the files of a COPY, a WORKDIR). Closing unmounts (detached, so a
 * busy mount cannot keep the build waiting) and removes the mount point; a writable snapshot
 * stays for the caller to commit, or goes with {@link #discard}.
 */
final class SnapshotMount implements AutoCloseable {
    private final Snapshotter snapshots;
    private final Path at;
    private final String activeKey;
    private boolean mounted;

    private SnapshotMount(Snapshotter snapshots, Path at, String activeKey) {
        this.snapshots = snapshots;
        this.at = at;
        this.activeKey = activeKey;
    }

    /** The layers up to {@code topChain}, read-only, at {@code at}; an empty directory for none. */
    static SnapshotMount readOnly(Snapshotter snapshots, Digest topChain, Path at) {
        SnapshotMount m = new SnapshotMount(snapshots, directory(at), null);
        if (topChain != null) {
            snapshots.mounts(LayerStore.snapshotName(topChain)).getFirst().mountAt(at);
            m.mounted = true;
        }
        return m;
    }

    /** A new writable snapshot {@code key} on top of {@code parentChain} (null: empty), mounted at {@code at}. */
    static SnapshotMount writable(Snapshotter snapshots, String key, Digest parentChain, Path at) {
        snapshots.prepare(key, parentChain == null ? null : LayerStore.snapshotName(parentChain));
        SnapshotMount m = new SnapshotMount(snapshots, directory(at), key);
        try {
            snapshots.mounts(key).getFirst().mountAt(at);
            m.mounted = true;
            return m;
        } catch (RuntimeException e) {
            m.discard();
            throw e;
        }
    }

    Path root() {
        return at;
    }

    /** The writable snapshot's key. */
    String key() {
        return activeKey;
    }

    @Override
    public void close() {
        if (mounted) {
            Mounts.unmountDetach(at);
            mounted = false;
        }
        try {
            Files.deleteIfExists(at); // never recursively: had the unmount not happened, that would delete the layer
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes and removes the writable snapshot (a failed or cancelled step). */
    void discard() {
        close();
        if (activeKey != null) {
            snapshots.remove(activeKey);
        }
    }

    private static Path directory(Path at) {
        try {
            return Files.createDirectories(at);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
