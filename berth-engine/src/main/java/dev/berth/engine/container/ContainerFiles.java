package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import dev.berth.core.layer.LayerUnpacker;
import dev.berth.core.layer.ScopedPath;
import dev.berth.core.snapshot.Snapshotter;
import dev.berth.core.snapshot.WhiteoutMode;
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
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
    public interface RootWork<T> {
        T run(Path root) throws IOException;
    }

    /** Runs {@code work} with the container's files visible at a host path, its volumes and binds included. */
    public <T> T withRoot(Container c, RootWork<T> work) {
        return withRoot(c, true, work);
    }

    /**
     * As {@link #withRoot(Container, RootWork)}; a stopped container's volumes and binds are
     * mounted only with {@code withVolumes} (export leaves them out, as Docker's).
     */
    private <T> T withRoot(Container c, boolean withVolumes, RootWork<T> work) {
        Container now = store.resolve(c.id());
        try {
            if (now.status().isAlive()
                    && now.state().pid() > 0
                    && Files.isDirectory(Path.of("/proc/" + now.state().pid() + "/root/"))) {
                // "/." so that the magic link is followed even by NOFOLLOW checks on the root itself
                return work.run(Path.of("/proc/" + now.state().pid() + "/root/."));
            }
            Path mnt = ContainerPaths.ensure(paths.runDir(c.id())
                    .resolve("mnt-" + UUID.randomUUID().toString().substring(0, 8)));
            try {
                snapshots.mounts(now.snapshotKey()).getFirst().mountAt(mnt);
                try {
                    Mounts.makePrivate(mnt);
                    if (withVolumes) {
                        mountVolumes(now, mnt);
                    }
                    return work.run(mnt);
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
    private void mountVolumes(Container c, Path mnt) throws IOException {
        for (Mount m : volumesAndBinds(c)) {
            Path source = Path.of(m.source());
            Path target = scoped(mnt, m.destination());
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.createFile(target);
                }
            }
            Mounts.bind(source, target, m.options().contains("ro"));
            Mounts.makePrivate(target); // before anything below it is unmounted again (see makePrivate)
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
    static Path inside(Path root, String path) {
        String asked = path == null || path.isEmpty() ? "/" : path;
        Path clean = Path.of("/" + asked).normalize();
        Path base = clean.getFileName();
        if (base == null || asked.endsWith("/") || asked.endsWith("/.")) {
            return scoped(root, clean.toString());
        }
        return scoped(root, clean.getParent().toString()).resolve(base.toString());
    }

    private static Path scoped(Path root, String path) {
        return ScopedPath.resolve(root, path)
                .orElseThrow(() -> BerthException.invalid("%s: too many levels of symbolic links", path));
    }

    public PathStat stat(String ref, String path) {
        Container c = store.resolve(ref);
        return withRoot(c, root -> stat(c, root, path));
    }

    private static PathStat stat(Container c, Path root, String path) throws IOException {
        Path p = inside(root, path);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw BerthException.notFound("Could not find the file %s in container %s", path, c.plainName());
        }
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        long mode = perms(a.permissions());
        String link = "";
        if (a.isDirectory()) {
            mode |= 1L << 31;
        } else if (a.isSymbolicLink()) {
            mode |= 1L << 27;
            link = Files.readSymbolicLink(p).toString();
        }
        String name = p.equals(root) ? "/" : p.getFileName().toString();
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
        withRoot(c, root -> {
            Path p = inside(root, path);
            String base = p.equals(root) ? "." : p.getFileName().toString();
            TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            addTree(tar, p, base, -1);
            tar.finish();
            out.flush();
            return null;
        });
    }

    /** Adds {@code p} as {@code name}; with {@code device} >= 0, stays on that filesystem (export). */
    private static void addTree(TarArchiveOutputStream tar, Path p, String name, long device) throws IOException {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (device >= 0
                && ((Number) Files.getAttribute(p, "unix:dev", LinkOption.NOFOLLOW_LINKS)).longValue() != device) {
            return; // /proc, /sys, /dev, binds: not part of the container's filesystem
        }
        TarArchiveEntry e;
        if (a.isSymbolicLink()) {
            e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
            e.setLinkName(Files.readSymbolicLink(p).toString());
        } else if (a.isDirectory()) {
            e = new TarArchiveEntry(name + "/");
        } else if (a.isRegularFile()) {
            e = new TarArchiveEntry(name);
            e.setSize(a.size());
        } else {
            return; // devices, fifos and sockets are not copied (as docker cp without -a does for sockets)
        }
        e.setMode((int) perms(a.permissions()) | (a.isDirectory() ? 040000 : a.isSymbolicLink() ? 0120000 : 0100000));
        e.setModTime(a.lastModifiedTime().toMillis());
        Object uid = Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Object gid = Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        e.setUserId(((Number) uid).longValue());
        e.setGroupId(((Number) gid).longValue());
        tar.putArchiveEntry(e);
        if (a.isRegularFile()) {
            Files.copy(p, tar);
        }
        tar.closeArchiveEntry();
        if (a.isDirectory()) {
            List<Path> children;
            try (Stream<Path> s = Files.list(p)) {
                children = new ArrayList<>(s.sorted().toList());
            }
            for (Path child : children) {
                addTree(tar, child, name + "/" + child.getFileName(), device);
            }
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
        withRoot(c, root -> {
            // the destination itself is followed too, in scope (moby's extractToDir)
            Path dir = scoped(root, path == null || path.isEmpty() ? "/" : path);
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw BerthException.notFound("Could not find the file %s in container %s", path, c.plainName());
            }
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw BerthException.invalid("extraction point is not a directory");
            }
            new LayerUnpacker(WhiteoutMode.APPLY).unpack(tar, dir);
            return null;
        });
    }

    /** {@code GET /containers/{id}/export}: the whole filesystem as one tar. */
    public void export(String ref, OutputStream out) {
        Container c = store.resolve(ref);
        withRoot(c, false, root -> {
            long device = ((Number) Files.getAttribute(root.resolve("."), "unix:dev")).longValue();
            TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            try (Stream<Path> s = Files.list(root)) {
                for (Path child : s.sorted().toList()) {
                    addTree(tar, child, child.getFileName().toString(), device);
                }
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
