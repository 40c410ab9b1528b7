package dev.berth.core.snapshot;

import dev.berth.core.error.BerthException;
import dev.berth.core.io.AtomicFiles;
import dev.berth.core.io.Trees;
import dev.berth.core.layer.LayerDiffer;
import dev.berth.core.layer.LayerDigest;
import dev.berth.core.layer.WhiteoutMode;
import dev.berth.core.sys.Errno;
import dev.berth.core.sys.KernelVersion;
import dev.berth.core.sys.Libc;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Snapshots as overlayfs layers (Docker's {@code overlay2} driver): each committed snapshot's
 * {@code fs} is one layer's files, with whiteouts as 0/0 character devices and opaque
 * directories marked {@code trusted.overlay.opaque=y}; an active snapshot's {@code fs} is the
 * upper directory over its parents' chain.
 *
 * <p>Mount data is limited to one page (4096 bytes including the NUL). Every committed snapshot
 * gets a short name {@code snapshots/l/<12 base32 chars>} linking to its {@code fs}; when the
 * absolute lowerdir list would not fit, {@link #mounts} gives the short relative names and the
 * snapshots directory as {@link MountSpec#workingDir()} — 15 bytes a layer, so chains of well
 * over 200 layers mount (Docker does the same with 26-char names and a chdir'ing child).
 *
 * <p>A base snapshot has no parent: its active form mounts as a read-write bind of its {@code fs}
 * and its committed form as a read-only bind, since overlay without an upper directory needs at
 * least two lower directories.
 */
public final class OverlaySnapshotter implements Snapshotter {
    /** Bytes mount(2) copies as data: one page, of which the last holds the NUL. */
    static final int MOUNT_DATA_LIMIT = 4095;

    /** Whether overlay takes {@code volatile} (Linux 5.10). */
    private static final boolean VOLATILE = KernelVersion.atLeast("5.10");

    /** Where overlay's volatile mount leaves its marker, below the snapshot's directory. */
    private static final String VOLATILE_MARKER = "work/work/incompat";

    private final SnapshotDirs dirs;

    public OverlaySnapshotter(Path dataRoot) {
        this.dirs = new SnapshotDirs(dataRoot);
    }

    @Override
    public String driver() {
        return "overlay2";
    }

    @Override
    public WhiteoutMode whiteoutMode() {
        return WhiteoutMode.OVERLAY;
    }

    @Override
    public Path prepare(String key, String parent) {
        return dirs.prepare(key, parent, true, staging -> Libc.mkdir(staging.resolve("work"), 0700));
    }

    /** The parent is a lowerdir when the snapshot is mounted, and nothing before. */
    @Override
    public Path prepareAhead(String key, String parent) {
        return dirs.prepare(key, parent, false, staging -> Libc.mkdir(staging.resolve("work"), 0700));
    }

    @Override
    public void commit(String key, String name) {
        dirs.commit(key, name, dir -> {
            Trees.delete(dir.resolve("work")); // a committed layer is only ever a lowerdir
            makeLink(dir, name);
        });
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
        boolean active = dirs.isActive(key);
        if (active) {
            // the marker a volatile run left (see disposableMounts) would make the kernel refuse
            // this mount: of a stopped --rm container's files in their grace (docker cp), say
            Trees.delete(dirs.dir(key).resolve(VOLATILE_MARKER));
        }
        List<String> lowers = new ArrayList<>();
        if (!active) {
            lowers.add(key);
        }
        lowers.addAll(dirs.ancestors(key));
        Path fs = dirs.fs(key);
        if (active && lowers.isEmpty()) {
            return List.of(new MountSpec("bind", fs.toString(), List.of("rbind", "rw")));
        }
        if (!active && lowers.size() == 1) {
            return List.of(new MountSpec("bind", fs.toString(), List.of("rbind", "ro")));
        }
        List<String> absolute = new ArrayList<>();
        for (String lower : lowers) {
            absolute.add(dirs.fs(lower).toString());
        }
        List<String> options = overlayOptions(
                absolute,
                active ? fs.toString() : null,
                active ? dirs.dir(key).resolve("work").toString() : null);
        if (String.join(",", options).length() <= MOUNT_DATA_LIMIT) {
            return List.of(new MountSpec("overlay", "overlay", options));
        }
        List<String> relative = new ArrayList<>();
        for (String lower : lowers) {
            relative.add(SnapshotDirs.LINKS + "/" + linkOf(lower));
        }
        options = overlayOptions(relative, active ? key + "/fs" : null, active ? key + "/work" : null);
        if (String.join(",", options).length() > MOUNT_DATA_LIMIT) {
            throw BerthException.invalid(
                    "snapshot %s has %d layers, more than overlay's mount data can name", key, lowers.size());
        }
        return List.of(new MountSpec("overlay", "overlay", options, dirs.root()));
    }

    /**
     * With overlay's {@code volatile} (Linux 5.10): no sync of the upper filesystem. Without it
     * the unmount when the container's last process exits syncs the whole filesystem the data
     * root is on, which the container's exit waits for: 0.5 ms on a quiet disk, 5-185 ms here
     * while other work had written. The kernel leaves a marker in the work directory that makes
     * any later mount fail (the files may have lost writes in a crash); a disposable layer is
     * not kept past its run, so {@link #mounts} of it again (a restart that won a race with its
     * removal, a copy out of it in its AutoRemove grace) only drops the marker.
     */
    @Override
    public List<MountSpec> disposableMounts(String key) {
        List<MountSpec> mounts = mounts(key);
        MountSpec m = mounts.getFirst();
        if (!VOLATILE
                || !m.type().equals("overlay")
                || m.options().stream().noneMatch(o -> o.startsWith("upperdir="))) {
            return mounts;
        }
        List<String> options = new ArrayList<>(m.options());
        options.add("volatile");
        return List.of(new MountSpec(m.type(), m.source(), options, m.workingDir()));
    }

    private static List<String> overlayOptions(List<String> lowers, String upper, String work) {
        List<String> options = new ArrayList<>();
        options.add("lowerdir=" + String.join(":", lowers));
        if (upper != null) {
            options.add("upperdir=" + upper);
            options.add("workdir=" + work);
        } else {
            options.add("ro");
        }
        return options;
    }

    @Override
    public LayerDigest diff(String key, OutputStream layerTar, Instant clampMtimes) {
        dirs.requireExisting(key);
        return LayerDiffer.writeOverlayUpper(dirs.fs(key), layerTar, clampMtimes);
    }

    @Override
    public void remove(String key) {
        dirs.remove(key, dir -> {
            String link = readLink(dir);
            if (link != null) {
                Trees.delete(dirs.root().resolve(SnapshotDirs.LINKS).resolve(link));
            }
        });
    }

    @Override
    public List<String> list() {
        return dirs.list();
    }

    @Override
    public long usage(String key) {
        return dirs.usage(key);
    }

    /** The short link name of a committed snapshot, re-made if a crash lost it. */
    private String linkOf(String name) {
        Path dir = dirs.dir(name);
        String link = readLink(dir);
        if (link != null
                && Files.isSymbolicLink(dirs.root().resolve(SnapshotDirs.LINKS).resolve(link))) {
            return link;
        }
        return makeLink(dir, name);
    }

    private String makeLink(Path dir, String name) {
        Path links = dirs.root().resolve(SnapshotDirs.LINKS);
        for (int attempt = 0; ; attempt++) {
            String link = SnapshotDirs.randomId(12);
            try {
                Libc.symlink("../" + name + "/fs", links.resolve(link));
            } catch (BerthException e) {
                if (Errno.of(e) == Errno.EEXIST && attempt < 5) {
                    continue;
                }
                throw e;
            }
            AtomicFiles.fsyncDirectory(links);
            SnapshotDirs.writeSynced(dir.resolve("link"), link);
            return link;
        }
    }

    private static String readLink(Path dir) {
        try {
            return Files.readString(dir.resolve("link"), StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw BerthException.internal("reading " + dir.resolve("link") + ": " + e.getMessage(), e);
        }
    }
}
