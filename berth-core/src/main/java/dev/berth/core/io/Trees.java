package dev.berth.core.io;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.sys.Errno;
import dev.berth.core.sys.Libc;
import dev.berth.core.sys.PathScope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Whole-tree operations: an exact copy (the vfs snapshotter's prepare, a volume's copy-up) and removal. */
public final class Trees {
    private Trees() {}

    /**
     * Copies {@code source}'s contents into the existing empty directory {@code target} keeping
     * everything a layer can hold: types (devices, fifos, symlinks as they are), modes with
     * setuid/sticky, owners, xattrs, nanosecond mtimes (directories' after their contents), and
     * hard links within the tree. Sockets are skipped (a layer cannot hold them). Symlinks are
     * never followed.
     */
    public static void copy(Path source, Path target) {
        Map<List<Object>, Path> links = new HashMap<>();
        Deque<Path[]> dirTimes = new ArrayDeque<>();
        try {
            Files.walkFileTree(source, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Path to = target.resolve(source.relativize(dir).toString());
                    if (!dir.equals(source)) {
                        Libc.mkdir(to, 0700);
                    }
                    dirTimes.push(new Path[] {dir, to});
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes basic) throws IOException {
                    Path to = target.resolve(source.relativize(file).toString());
                    Map<String, Object> a = Files.readAttributes(file, "unix:*", LinkOption.NOFOLLOW_LINKS);
                    int mode = (int) a.get("mode");
                    int type = mode & Libc.S_IFMT;
                    if (type != Libc.S_IFDIR && (int) a.get("nlink") > 1) {
                        List<Object> key = List.of(a.get("dev"), a.get("ino"));
                        Path first = links.putIfAbsent(key, to);
                        if (first != null) {
                            Libc.link(first, to);
                            return FileVisitResult.CONTINUE;
                        }
                    }
                    switch (type) {
                        case Libc.S_IFREG -> Files.copy(file, to, LinkOption.NOFOLLOW_LINKS);
                        case Libc.S_IFLNK -> Libc.symlink(Libc.readlink(file), to);
                        case Libc.S_IFCHR, Libc.S_IFBLK, Libc.S_IFIFO -> {
                            long rdev = (long) a.get("rdev");
                            Libc.mknod(to, type | 0600, Libc.major(rdev), Libc.minor(rdev));
                        }
                        default -> {
                            return FileVisitResult.CONTINUE; // sockets
                        }
                    }
                    attributes(file, to, a);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    if (exc != null) {
                        throw exc;
                    }
                    Path[] pair = dirTimes.pop();
                    attributes(pair[0], pair[1], Files.readAttributes(pair[0], "unix:*", LinkOption.NOFOLLOW_LINKS));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new BerthException(
                    ErrorKind.INTERNAL, "copying " + source + " to " + target + ": " + e.getMessage(), e);
        }
    }

    private static void attributes(Path from, Path to, Map<String, Object> a) {
        int mode = (int) a.get("mode");
        boolean symlink = (mode & Libc.S_IFMT) == Libc.S_IFLNK;
        Libc.lchown(to, (int) a.get("uid"), (int) a.get("gid"));
        if (!symlink) {
            Libc.chmod(to, mode & 07777); // after chown, which clears setuid
        }
        for (String name : Libc.llistxattr(from)) {
            byte[] value = Libc.lgetxattr(from, name);
            if (value != null) {
                Libc.lsetxattr(to, name, value, 0);
            }
        }
        Instant m = ((FileTime) a.get("lastModifiedTime")).toInstant();
        Instant at = ((FileTime) a.get("lastAccessTime")).toInstant();
        Libc.utimensat(to, at.getEpochSecond(), at.getNano(), m.getEpochSecond(), m.getNano(), true);
    }

    /**
     * Bytes of the regular files under {@code dir}, each hard-linked file once (as Docker's
     * directory.Size counts a volume or a build cache); unreadable entries are skipped, -1 when
     * {@code dir} itself cannot be walked.
     */
    public static long size(Path dir) {
        long[] total = {0};
        Set<Object> seen = new HashSet<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                    if (a.isRegularFile() && (a.fileKey() == null || seen.add(a.fileKey()))) {
                        total[0] += a.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return -1;
        }
        return total[0];
    }

    /** Removes a file, a symlink (not its target) or a directory tree; fine when absent. */
    public static void delete(Path path) {
        delete(PathScope.TRUSTED, path);
    }

    /**
     * Removes a file, symlink (not its target) or directory tree, each step through {@code scope}:
     * a directory swapped for a symlink while it is removed is removed as a symlink.
     */
    public static void delete(PathScope scope, Path path) {
        try {
            BasicFileAttributes attrs = scope.entry(path, Trees::lstat);
            if (attrs == null) {
                return; // already gone
            }
            if (attrs.isDirectory()) {
                for (Path child : children(scope, path)) {
                    delete(scope, child);
                }
            }
            scope.entry(path, p -> {
                Files.deleteIfExists(p);
                return null;
            });
        } catch (IOException | UncheckedIOException e) {
            throw new BerthException(ErrorKind.INTERNAL, "removing " + path + ": " + e.getMessage(), e);
        }
    }

    /** The attributes of {@code path} itself (a symlink's, not its target's), or null when it does not exist. */
    public static BasicFileAttributes lstat(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new BerthException(ErrorKind.INTERNAL, "lstat " + path + ": " + e.getMessage(), e);
        }
    }

    /** The entries of directory {@code dir}, listed through {@code scope}, as paths under it (none when it is gone). */
    public static List<Path> children(PathScope scope, Path dir) {
        try {
            return scope.object(dir, d -> {
                try (Stream<Path> s = Files.list(d)) {
                    return s.map(child -> dir.resolve(child.getFileName().toString()))
                            .toList();
                } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
                    return List.of();
                }
            });
        } catch (BerthException e) {
            if (Errno.of(e) == Errno.ENOENT || Errno.of(e) == Errno.ENOTDIR) {
                return List.of();
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
