package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import dev.berth.core.layer.LayerUnpacker;
import dev.berth.core.layer.ScopedPath;
import dev.berth.core.layer.WhiteoutMode;
import dev.berth.core.snapshot.Snapshotter;
import dev.berth.core.sys.Errno;
import dev.berth.core.sys.InRoot;
import dev.berth.core.sys.Mounts;
import dev.berth.engine.volume.ContainerVolumes;
import dev.berth.engine.volume.MountPlanner;
import dev.berth.engine.volume.MountPoint;
import dev.berth.runtime.spec.Mount;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The container's filesystem from the outside: {@code docker cp} both ways (archive GET, PUT,
 * HEAD), {@code docker export} and {@code docker diff}. A running container is reached through
 * /proc/&lt;pid&gt;/root (its own mounts, binds included); a stopped one gets its layers mounted
 * for the call under its run directory, its volumes and binds on top, all unmounted after.
 */
public final class ContainerFiles {
    private final ContainerStore store;
    private final Snapshotter snapshots;
    private final ContainerPaths paths;
    private final java.util.function.Function<Container, LayeredFiles> imageFiles;
    private final ContainerVolumes volumes;

    ContainerFiles(
            ContainerStore store,
            Snapshotter snapshots,
            ContainerPaths paths,
            java.util.function.Function<Container, LayeredFiles> imageFiles,
            ContainerVolumes volumes) {
        this.store = store;
        this.snapshots = snapshots;
        this.paths = paths;
        this.imageFiles = imageFiles;
        this.volumes = volumes;
    }

    /** What X-Docker-Container-Path-Stat says about a path (Go's os.FileMode bits in mode). */
    public record PathStat(String name, long size, long mode, String mtime, String linkTarget) {}

    @FunctionalInterface
    private interface RootWork<T> {
        T run(InRoot files) throws IOException;
    }

    /**
     * Runs {@code work} on the container's files, its volumes and binds included, unless
     * {@code withVolumes} is false and the container is stopped (export leaves them out, as
     * Docker's). Every path {@code work} touches goes through {@link InRoot}: the kernel resolves
     * it in the container's root, so a running container (or another one sharing a volume) that
     * swaps a directory for a symlink while we copy leads the copy nowhere outside it.
     */
    private <T> T withRoot(Container c, boolean withVolumes, RootWork<T> work) {
        Container now = store.resolve(c.id());
        try {
            if (now.status().isAlive()
                    && now.state().pid() > 0
                    && Files.isDirectory(Path.of("/proc/" + now.state().pid() + "/root/"))) {
                // its own root, through which lookups cross the mounts of its mount namespace
                try (InRoot files = InRoot.open(Path.of("/proc/" + now.state().pid() + "/root"))) {
                    return work.run(files);
                }
            }
            Path mnt = ContainerPaths.ensure(paths.runDir(c.id())
                    .resolve("mnt-" + UUID.randomUUID().toString().substring(0, 8)));
            try {
                snapshots.mounts(now.snapshotKey()).getFirst().mountAt(mnt);
                try {
                    Mounts.makePrivate(mnt);
                    try (InRoot files = InRoot.open(mnt)) {
                        if (withVolumes) {
                            mountVolumes(now, files);
                        }
                        return work.run(files);
                    }
                } finally {
                    Mounts.unmountAllUnder(mnt);
                }
            } finally {
                // empty once unmounted: never a recursive delete that could reach a mount
                try {
                    Files.deleteIfExists(mnt);
                } catch (IOException e) {
                    // still busy: the run directory goes with the container
                }
            }
        } catch (IOException e) {
            throw BerthException.unavailable("container %s: %s", c.id(), e.getMessage());
        }
    }

    /**
     * As moby's mountVolumes for a stopped container: its binds and volumes at their destinations
     * (resolved in its scope, made when missing, parents before children), so that docker cp sees
     * and writes the same files as the running container would.
     */
    private void mountVolumes(Container c, InRoot files) throws IOException {
        for (Mount m : volumesAndBinds(c)) {
            Path source = Path.of(m.source());
            boolean directory = Files.isDirectory(source);
            Path target = scoped(files, m.destination());
            for (Path p = files.root(); !p.equals(target); ) {
                p = p.resolve(target.getName(p.getNameCount()).toString());
                boolean last = p.equals(target);
                files.entry(p, q -> {
                    if (!Files.exists(q, LinkOption.NOFOLLOW_LINKS)) {
                        if (last && !directory) {
                            Files.createFile(q);
                        } else {
                            Files.createDirectory(q);
                        }
                    }
                    return null;
                });
            }
            // onto the object the kernel found in the container's root, not onto a path a
            // container sharing the volume could have turned into a link since
            files.object(target, q -> {
                if (directory ? !Files.isDirectory(q) : !Files.isRegularFile(q)) {
                    throw BerthException.invalid(
                            "cannot mount %s on %s: not a %s",
                            source, m.destination(), directory ? "directory" : "file");
                }
                Mounts.bind(source, q, false);
                return null;
            });
            // found again, so that the lookup lands on the new mount, not on what it covers
            files.object(target, q -> {
                if (m.options().contains("ro")) {
                    Mounts.mount(
                            null, q, null, Mounts.MS_BIND | Mounts.MS_REC | Mounts.MS_REMOUNT | Mounts.MS_RDONLY, null);
                }
                Mounts.makePrivate(q); // before anything below it is unmounted again (see makePrivate)
                return null;
            });
        }
    }

    /** The container's binds and volumes as bind mounts onto their destinations, parents first. */
    private List<Mount> volumesAndBinds(Container c) {
        List<Mount> mounts = new ArrayList<>();
        for (String bind : c.hostConfig().binds()) {
            if (MountPlanner.parseBind(bind).isHostPath()) {
                mounts.add(SpecFactory.bindMount(bind));
            }
        }
        mounts.addAll(volumes.filesMounts(c.id()));
        mounts.sort(Comparator.comparingLong(
                m -> Path.of(m.destination()).normalize().getNameCount()));
        return mounts;
    }

    /**
     * Whether the deepest of the container's binds and mount points that holds {@code path}
     * (absolute, clean) is writable; empty when none holds it. Read from the rows alone: nothing
     * is mounted or activated to answer.
     */
    private Optional<Boolean> mountHoldingIsWritable(Container c, String path) {
        String deepest = null;
        boolean writable = false;
        for (String bind : c.hostConfig().binds()) {
            MountPlanner.Bind b = MountPlanner.parseBind(bind);
            if (b.isHostPath() && holds(b.destination(), path, deepest)) {
                deepest = b.destination();
                writable = !b.readOnly();
            }
        }
        for (MountPoint m : volumes.mountsOf(c.id())) {
            if (holds(m.destination(), path, deepest)) {
                deepest = m.destination();
                writable = m.rw();
            }
        }
        return deepest == null ? Optional.empty() : Optional.of(writable);
    }

    /** Whether a mount at {@code destination} holds {@code path} and lies deeper than {@code deepest}. */
    private static boolean holds(String destination, String path, String deepest) {
        String dest = Path.of(destination).normalize().toString();
        boolean under = path.equals(dest) || path.startsWith(dest.equals("/") ? dest : dest + "/");
        return under
                && (deepest == null
                        || Path.of(dest).getNameCount()
                                > Path.of(deepest).normalize().getNameCount());
    }

    /**
     * Where {@code path} (absolute in the container) is under {@code root}, as moby's resolvePath:
     * ".." is taken lexically, the directories on the way are followed in the container's scope
     * ({@link ScopedPath}: the container's symlinks never lead into the host), and the last
     * component is not followed unless the path ends in "/" or "/." — {@code docker cp} copies a
     * symlink itself, and the CLI's {@code -L} asks for its target.
     */
    static Path inside(InRoot files, String path) {
        String asked = path == null || path.isEmpty() ? "/" : path;
        Path clean = Path.of("/" + asked).normalize();
        Path base = clean.getFileName();
        if (base == null || asked.endsWith("/") || asked.endsWith("/.")) {
            return scoped(files, clean.toString());
        }
        return scoped(files, clean.getParent().toString()).resolve(base.toString());
    }

    private static Path scoped(InRoot files, String path) {
        return ScopedPath.resolve(files, files.root(), path)
                .orElseThrow(() -> BerthException.invalid("%s: too many levels of symbolic links", path));
    }

    public PathStat stat(String ref, String path) {
        Container c = store.resolve(ref);
        return withRoot(c, true, files -> stat(c, files, path));
    }

    private static PathStat stat(Container c, InRoot files, String path) throws IOException {
        Path p = inside(files, path);
        PosixFileAttributes a = lstat(files, p);
        if (a == null) {
            throw BerthException.notFound("Could not find the file %s in container %s", path, c.plainName());
        }
        long mode = perms(a.permissions());
        String link = "";
        if (a.isDirectory()) {
            mode |= 1L << 31;
        } else if (a.isSymbolicLink()) {
            mode |= 1L << 27;
            link = files.entry(p, Files::readSymbolicLink).toString();
        }
        String name = p.equals(files.root()) ? "/" : p.getFileName().toString();
        return new PathStat(
                name, a.size(), mode, a.lastModifiedTime().toInstant().toString(), link);
    }

    private static long perms(Set<PosixFilePermission> perms) {
        long m = 0;
        for (PosixFilePermission p : perms) {
            m |= switch (p) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return m;
    }

    /** {@code GET /containers/{id}/archive?path=}: the stat (checked first), then the tar. */
    public PathStat checkArchive(String ref, String path) {
        return stat(ref, path);
    }

    public void archive(String ref, String path, OutputStream out) {
        Container c = store.resolve(ref);
        withRoot(c, true, files -> {
            Path p = inside(files, path);
            String base = p.equals(files.root()) ? "." : p.getFileName().toString();
            TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            addTree(files, tar, p, base, -1);
            tar.finish();
            out.flush();
            return null;
        });
    }

    /**
     * Adds {@code p} as {@code name}; with {@code device} >= 0, stays on that filesystem (export).
     * What is read is the object the kernel found at {@code p} in the container's root, pinned:
     * its attributes and its bytes come from the same file, never from one swapped in between.
     */
    private static void addTree(InRoot files, TarArchiveOutputStream tar, Path p, String name, long device)
            throws IOException {
        boolean directory = files.object(p, q -> {
            Map<String, Object> a = Files.readAttributes(q, "unix:*"); // the pinned object itself
            if (device >= 0 && ((Number) a.get("dev")).longValue() != device) {
                return false; // /proc, /sys, /dev, binds: not part of the container's filesystem
            }
            boolean link = (Boolean) a.get("isSymbolicLink");
            boolean dir = (Boolean) a.get("isDirectory");
            boolean regular = (Boolean) a.get("isRegularFile");
            @SuppressWarnings("unchecked")
            long perms = perms((Set<PosixFilePermission>) a.get("permissions"));
            TarArchiveEntry e;
            if (link) {
                e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                e.setLinkName(files.entry(p, Files::readSymbolicLink).toString());
            } else if (dir) {
                e = new TarArchiveEntry(name + "/");
            } else if (regular) {
                e = new TarArchiveEntry(name);
                e.setSize(((Number) a.get("size")).longValue());
            } else {
                return false; // devices, fifos and sockets are not copied (as docker cp without -a does for sockets)
            }
            e.setMode((int) perms | (dir ? 040000 : link ? 0120000 : 0100000));
            e.setModTime(((FileTime) a.get("lastModifiedTime")).toMillis());
            e.setUserId(((Number) a.get("uid")).longValue());
            e.setGroupId(((Number) a.get("gid")).longValue());
            tar.putArchiveEntry(e);
            if (regular) {
                try (InputStream in = Files.newInputStream(q)) {
                    in.transferTo(tar);
                }
            }
            tar.closeArchiveEntry();
            return dir;
        });
        if (directory) {
            for (Path child : children(files, p)) {
                addTree(files, tar, child, name + "/" + child.getFileName(), device);
            }
        }
    }

    /** The entries of the directory at {@code dir}, sorted, as paths under it. */
    private static List<Path> children(InRoot files, Path dir) throws IOException {
        return files.object(dir, d -> {
            try (Stream<Path> s = Files.list(d)) {
                return s.map(child -> dir.resolve(child.getFileName().toString()))
                        .sorted()
                        .toList();
            }
        });
    }

    /** The attributes of the entry at {@code p} itself; null when it, or a directory on its way, is missing. */
    private static PosixFileAttributes lstat(InRoot files, Path p) throws IOException {
        try {
            return files.entry(p, q -> Files.readAttributes(q, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return null;
        } catch (BerthException e) {
            if (Errno.of(e) == Errno.ENOENT || Errno.of(e) == Errno.ENOTDIR) {
                return null;
            }
            throw e;
        }
    }

    /**
     * {@code PUT /containers/{id}/archive?path=}: unpacks the tar into the existing directory
     * {@code path}; entries cannot escape it (the layer unpacker's rules).
     */
    public void extract(String ref, String path, boolean noOverwriteDirNonDir, InputStream tar) {
        Container c = store.resolve(ref);
        // moby's checkIfPathIsInAVolume: a volume or bind decides, else the root filesystem does
        Optional<Boolean> writable = mountHoldingIsWritable(
                c, Path.of("/" + (path == null ? "" : path)).normalize().toString());
        if (writable.isPresent() && !writable.get()) {
            // 403, as the API's spec answers for "the volume or container rootfs is marked as read-only"
            throw new BerthException(dev.berth.core.error.ErrorKind.FORBIDDEN, "mounted volume is marked read-only");
        }
        if (writable.isEmpty() && c.hostConfig().readonlyRootfs()) {
            throw new BerthException(dev.berth.core.error.ErrorKind.FORBIDDEN, "container rootfs is marked read-only");
        }
        withRoot(c, true, files -> {
            // the destination itself is followed too, in scope (moby's extractToDir)
            Path dir = scoped(files, path == null || path.isEmpty() ? "/" : path);
            PosixFileAttributes a = lstat(files, dir);
            if (a == null) {
                throw BerthException.notFound("Could not find the file %s in container %s", path, c.plainName());
            }
            if (!a.isDirectory()) {
                throw BerthException.invalid("extraction point is not a directory");
            }
            new LayerUnpacker(WhiteoutMode.PLAIN).unpack(tar, dir, files);
            return null;
        });
    }

    /** {@code GET /containers/{id}/export}: the whole filesystem as one tar. */
    public void export(String ref, OutputStream out) {
        Container c = store.resolve(ref);
        withRoot(c, false, files -> {
            Path root = files.root();
            long device = files.object(root, q -> ((Number) Files.getAttribute(q, "unix:dev")).longValue());
            TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path child : children(files, root)) {
                addTree(files, tar, child, child.getFileName().toString(), device);
            }
            tar.finish();
            out.flush();
            return null;
        });
    }

    private static final Set<String> MOUNT_POINTS = Set.of("/etc/hostname", "/etc/hosts", "/etc/resolv.conf");

    /** One line of {@code docker diff}: kind 0 = changed, 1 = added, 2 = deleted. */
    public record Change(String path, int kind) {}

    /** {@code GET /containers/{id}/changes}: from the writable layer's diff, compared with the image. */
    public List<Change> changes(String ref) {
        Container c = store.resolve(ref);
        LayeredFiles image = imageFiles.apply(c).withoutTop();
        List<Change> out = new ArrayList<>();
        try (PipedInputStream in = new PipedInputStream(64 * 1024)) {
            PipedOutputStream pipe = new PipedOutputStream(in);
            Thread writer = Thread.ofVirtual().start(() -> {
                try (pipe) {
                    snapshots.diff(c.snapshotKey(), pipe);
                } catch (IOException | RuntimeException e) {
                    // the reader sees a truncated tar
                }
            });
            TarArchiveInputStream tar = new TarArchiveInputStream(in);
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                String name = "/" + e.getName().replaceFirst("^\\./", "").replaceFirst("/$", "");
                int slash = name.lastIndexOf('/');
                String base = name.substring(slash + 1);
                if (base.equals(".wh..wh..opq")) {
                    continue;
                }
                if (base.startsWith(".wh.")) {
                    out.add(new Change(name.substring(0, slash + 1) + base.substring(4), 2));
                } else {
                    out.add(new Change(name, image.exists(name) ? 0 : 1));
                }
            }
            writer.join();
            // the mount points of /etc/hostname, hosts and resolv.conf are Berth's, not the user's
            out.removeIf(ch -> MOUNT_POINTS.contains(ch.path()) && ch.kind() == 1);
            out.removeIf(ch -> ch.kind() == 0
                    && out.stream().noneMatch(o -> o.path().startsWith(ch.path() + "/"))
                    && image.isDirectory(ch.path()));
        } catch (IOException e) {
            throw BerthException.unavailable("cannot read the changes of container %s: %s", c.id(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }
}
