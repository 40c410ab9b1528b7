package dev.berth.core.snapshot;

import dev.berth.core.io.Trees;
import dev.berth.core.layer.LayerDiffer;
import dev.berth.core.layer.LayerDigest;
import dev.berth.core.layer.WhiteoutMode;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Snapshots as full copies (Docker's {@code vfs} driver), for filesystems where overlay is not
 * available: prepare copies the parent's tree exactly (owners, modes, xattrs, devices, hard
 * links, mtimes), layers are unpacked with whiteouts applied, and a snapshot mounts as a bind of
 * its directory. Slow and large, but it works anywhere.
 */
public final class VfsSnapshotter implements Snapshotter {
    private final SnapshotDirs dirs;

    public VfsSnapshotter(Path dataRoot) {
        this.dirs = new SnapshotDirs(dataRoot);
    }

    @Override
    public String driver() {
        return "vfs";
    }

    @Override
    public WhiteoutMode whiteoutMode() {
        return WhiteoutMode.APPLY;
    }

    @Override
    public Path prepare(String key, String parent) {
        return dirs.prepare(key, parent, true, staging -> {
            if (parent != null) {
                Trees.copy(dirs.fs(parent), staging.resolve("fs"));
            }
        });
    }

    @Override
    public void commit(String key, String name) {
        dirs.commit(key, name, dir -> {});
    }

    @Override
    public boolean exists(String name) {
        return dirs.exists(name);
    }

    @Override
    public Path directory(String key) {
        return dirs.fs(key);
    }

    @Override
    public List<MountSpec> mounts(String key) {
        dirs.requireExisting(key);
        String mode = dirs.isActive(key) ? "rw" : "ro";
        return List.of(new MountSpec("bind", dirs.fs(key).toString(), List.of("rbind", mode)));
    }

    @Override
    public LayerDigest diff(String key, OutputStream layerTar, Instant clampMtimes) {
        dirs.requireExisting(key);
        String parent = dirs.parentOf(key);
        return LayerDiffer.writeComparison(
                parent == null ? null : dirs.fs(parent), dirs.fs(key), layerTar, clampMtimes);
    }

    @Override
    public void remove(String key) {
        dirs.remove(key, dir -> {});
    }

    @Override
    public List<String> list() {
        return dirs.list();
    }

    @Override
    public long usage(String key) {
        return dirs.usage(key);
    }
}
