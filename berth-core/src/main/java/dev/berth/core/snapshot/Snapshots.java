package dev.berth.core.snapshot;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.io.Trees;
import dev.berth.core.layer.LayerDigest;
import dev.berth.core.layer.LayerUnpacker;
import dev.berth.core.sys.FsMagic;
import dev.berth.core.sys.Libc;
import dev.berth.core.sys.Mounts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Choosing a snapshotter for a data root, and unpacking a layer into a committed snapshot. */
public final class Snapshots {
    private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);

    private Snapshots() {}

    /** The snapshotter chosen for a data root and why. */
    public record Choice(Snapshotter snapshotter, String reason) {}

    /**
     * Overlay when this kernel can mount it on the data root's filesystem — checked by a real
     * test mount under {@code <data-root>/snapshots/.tmp-*}, not by guessing from versions — and
     * vfs otherwise. Logs the choice and the reason.
     */
    public static Choice detect(Path dataRoot) {
        String whyNot = overlayUnavailable(dataRoot);
        Choice choice = whyNot == null
                ? new Choice(new OverlaySnapshotter(dataRoot), "overlay mounts on " + fsName(dataRoot))
                : new Choice(new VfsSnapshotter(dataRoot), whyNot);
        if (whyNot == null) {
            LOG.info("storage driver overlay2: {}", choice.reason());
        } else {
            LOG.warn("storage driver vfs (copies every layer): {}", choice.reason());
        }
        return choice;
    }

    private static String overlayUnavailable(Path dataRoot) {
        if (Libc.geteuid() != 0) {
            return "overlay needs root to mount, and Berth runs as uid " + Libc.geteuid();
        }
        Path probe;
        try {
            Path snapshots = Files.createDirectories(
                    dataRoot.toAbsolutePath().normalize().resolve("snapshots"));
            if (Libc.statfsType(snapshots) == FsMagic.OVERLAYFS) {
                return "the data root " + dataRoot
                        + " is itself on overlayfs, which cannot hold an overlay upper directory";
            }
            probe = Files.createDirectory(
                    snapshots.resolve(SnapshotDirs.TMP_PREFIX + "probe-" + SnapshotDirs.randomId(8)));
        } catch (IOException | BerthException e) {
            return "cannot prepare a test mount under " + dataRoot + ": " + e.getMessage();
        }
        Path merged = probe.resolve("merged");
        try {
            for (String d : List.of("lower1", "lower2", "upper", "work", "merged")) {
                Files.createDirectory(probe.resolve(d));
            }
            Files.writeString(probe.resolve("lower1/low"), "low");
            Libc.mknod(probe.resolve("lower2/low"), Libc.S_IFCHR, 0, 0); // a whiteout hiding lower1's file
            String data = "lowerdir=" + probe.resolve("lower2") + ":" + probe.resolve("lower1") + ",upperdir="
                    + probe.resolve("upper") + ",workdir=" + probe.resolve("work");
            Mounts.mount("overlay", merged, "overlay", 0, data);
            try {
                Files.writeString(merged.resolve("up"), "up");
                if (Files.exists(merged.resolve("low")) || !Files.exists(probe.resolve("upper/up"))) {
                    return "a test overlay mount on " + fsName(dataRoot) + " did not behave as overlay should";
                }
            } finally {
                Mounts.unmountDetach(merged);
            }
            return null;
        } catch (IOException | BerthException e) {
            return "a test overlay mount on " + fsName(dataRoot) + " failed: " + e.getMessage();
        } finally {
            try {
                Mounts.unmountAllUnder(probe);
            } catch (BerthException ignored) {
                // best effort; the directory below is garbage either way
            }
            Trees.delete(probe);
        }
    }

    private static String fsName(Path dataRoot) {
        try {
            return FsMagic.name(Libc.statfsType(dataRoot)) + " (" + dataRoot + ")";
        } catch (BerthException e) {
            return dataRoot.toString();
        }
    }

    /**
     * Unpacks a layer into a new committed snapshot {@code name} on top of {@code parent} (null
     * for a base layer): prepares a uniquely named active snapshot, unpacks, checks the diff ID
     * when {@code expectedDiffId} is given (DATA_LOSS naming both on a mismatch), and commits by
     * rename. On any failure the active snapshot is removed, so nothing is left behind. When
     * another unpack committed {@code name} first, this one's work is dropped and the existing
     * snapshot stands.
     */
    public static LayerDigest unpack(
            Snapshotter snapshotter, InputStream layer, String parent, String name, Digest expectedDiffId) {
        String key = "unpack-" + SnapshotDirs.randomId(16);
        Path fs = snapshotter.prepare(key, parent);
        boolean committed = false;
        try {
            LayerDigest result = new LayerUnpacker(snapshotter.whiteoutMode()).unpack(layer, fs);
            if (expectedDiffId != null && !expectedDiffId.equals(result.diffId())) {
                throw BerthException.dataLoss(
                        "layer diff ID mismatch: expected %s, got %s", expectedDiffId, result.diffId());
            }
            try {
                snapshotter.commit(key, name);
                committed = true;
            } catch (BerthException e) {
                if (e.kind() != ErrorKind.ALREADY_EXISTS) {
                    throw e;
                }
            }
            return result;
        } finally {
            if (!committed) {
                snapshotter.remove(key);
            }
        }
    }
}
