package dev.berth.core.sys;

import static dev.berth.core.sys.Native.capture;
import static dev.berth.core.sys.Native.rethrow;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Linux calls Java lacks, bound through java.lang.foreign (DESIGN.md: FFM, not JNI/JNA, never
 * a shell-out). Every call captures errno; a failure throws a BerthException naming the call, the
 * path and strerror, with the kind from {@link Errno#kind(int)}.
 *
 * <p>Paths are passed as the kernel sees them (no symlink resolution by Java). The {@code l*}
 * calls and {@link #utimensat} with {@code noFollow} act on a symlink itself.
 */
public final class Libc {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 01;
    public static final int O_RDWR = 02;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_TRUNC = 01000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_CLOEXEC = 02000000;

    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;

    public static final int S_IFMT = 0170000;
    public static final int S_IFIFO = 0010000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFLNK = 0120000;

    public static final int XATTR_CREATE = 1;
    public static final int XATTR_REPLACE = 2;

    /** utimensat's "leave this time alone" nanosecond value. */
    public static final long UTIME_OMIT = (1L << 30) - 2;

    private static final FunctionDescriptor INT_PP = FunctionDescriptor.of(Native.INT, Native.POINTER, Native.POINTER);

    private static final MethodHandle MOUNT = Native.downcall(
            "mount",
            FunctionDescriptor.of(
                    Native.INT, Native.POINTER, Native.POINTER, Native.POINTER, Native.LONG, Native.POINTER));
    private static final MethodHandle UMOUNT2 =
            Native.downcall("umount2", FunctionDescriptor.of(Native.INT, Native.POINTER, Native.INT));
    private static final MethodHandle MKNOD =
            Native.downcall("mknod", FunctionDescriptor.of(Native.INT, Native.POINTER, Native.INT, Native.LONG));
    private static final MethodHandle LCHOWN =
            Native.downcall("lchown", FunctionDescriptor.of(Native.INT, Native.POINTER, Native.INT, Native.INT));
    private static final MethodHandle CHMOD =
            Native.downcall("chmod", FunctionDescriptor.of(Native.INT, Native.POINTER, Native.INT));
    private static final MethodHandle LSETXATTR = Native.downcall(
            "lsetxattr",
            FunctionDescriptor.of(Native.INT, Native.POINTER, Native.POINTER, Native.POINTER, Native.LONG, Native.INT));
    private static final MethodHandle LGETXATTR = Native.downcall(
            "lgetxattr",
            FunctionDescriptor.of(Native.LONG, Native.POINTER, Native.POINTER, Native.POINTER, Native.LONG));
    private static final MethodHandle LLISTXATTR = Native.downcall(
            "llistxattr", FunctionDescriptor.of(Native.LONG, Native.POINTER, Native.POINTER, Native.LONG));
    private static final MethodHandle LREMOVEXATTR = Native.downcall("lremovexattr", INT_PP);
    private static final MethodHandle UTIMENSAT = Native.downcall(
            "utimensat", FunctionDescriptor.of(Native.INT, Native.INT, Native.POINTER, Native.POINTER, Native.INT));
    private static final MethodHandle OPEN = Native.downcall(
            "open",
            FunctionDescriptor.of(Native.INT, Native.POINTER, Native.INT, Native.INT),
            Native.firstVariadicArg(2));
    private static final MethodHandle WRITE =
            Native.downcall("write", FunctionDescriptor.of(Native.LONG, Native.INT, Native.POINTER, Native.LONG));
    private static final MethodHandle CLOSE = Native.downcall("close", FunctionDescriptor.of(Native.INT, Native.INT));
    private static final MethodHandle MEMFD_CREATE =
            Native.downcall("memfd_create", FunctionDescriptor.of(Native.INT, Native.POINTER, Native.INT));
    private static final MethodHandle FCNTL_INT = Native.downcall(
            "fcntl", FunctionDescriptor.of(Native.INT, Native.INT, Native.INT, Native.INT), Native.firstVariadicArg(2));
    private static final MethodHandle FCHMOD =
            Native.downcall("fchmod", FunctionDescriptor.of(Native.INT, Native.INT, Native.INT));
    private static final MethodHandle FCHOWN =
            Native.downcall("fchown", FunctionDescriptor.of(Native.INT, Native.INT, Native.INT, Native.INT));
    private static final MethodHandle FUTIMENS =
            Native.downcall("futimens", FunctionDescriptor.of(Native.INT, Native.INT, Native.POINTER));
    private static final MethodHandle FSYNC = Native.downcall("fsync", FunctionDescriptor.of(Native.INT, Native.INT));
    private static final MethodHandle MKDIR =
            Native.downcall("mkdir", FunctionDescriptor.of(Native.INT, Native.POINTER, Native.INT));
    private static final MethodHandle SYMLINK = Native.downcall("symlink", INT_PP);
    private static final MethodHandle LINK = Native.downcall("link", INT_PP);
    private static final MethodHandle READLINK = Native.downcall(
            "readlink", FunctionDescriptor.of(Native.LONG, Native.POINTER, Native.POINTER, Native.LONG));
    private static final MethodHandle SETNS =
            Native.downcall("setns", FunctionDescriptor.of(Native.INT, Native.INT, Native.INT));
    private static final MethodHandle UNSHARE =
            Native.downcall("unshare", FunctionDescriptor.of(Native.INT, Native.INT));
    private static final MethodHandle CHDIR =
            Native.downcall("chdir", FunctionDescriptor.of(Native.INT, Native.POINTER));
    private static final MethodHandle SYNCFS = Native.downcall("syncfs", FunctionDescriptor.of(Native.INT, Native.INT));
    private static final MethodHandle SYNC_FILE_RANGE = Native.downcall(
            "sync_file_range", FunctionDescriptor.of(Native.INT, Native.INT, Native.LONG, Native.LONG, Native.INT));
    private static final int SYNC_FILE_RANGE_WRITE = 2;
    private static final MethodHandle RENAMEAT2 = Native.downcall(
            "renameat2",
            FunctionDescriptor.of(Native.INT, Native.INT, Native.POINTER, Native.INT, Native.POINTER, Native.INT));
    private static final MethodHandle STATFS = Native.downcall("statfs", INT_PP);
    private static final MethodHandle SPLICE = Native.downcall(
            "splice",
            FunctionDescriptor.of(
                    Native.LONG, Native.INT, Native.POINTER, Native.INT, Native.POINTER, Native.LONG, Native.INT));
    private static final MethodHandle IOCTL_PTR = Native.downcall(
            "ioctl",
            FunctionDescriptor.of(Native.INT, Native.INT, Native.LONG, Native.POINTER),
            Native.firstVariadicArg(2));
    /** linux/fs.h: _IOR('f', 1, long) and _IOW('f', 2, long); the kernel reads and writes an int. */
    private static final long FS_IOC_GETFLAGS = 0x80086601L;

    private static final long FS_IOC_SETFLAGS = 0x40086602L;
    /** linux/fs.h FS_TOPDIR_FL (chattr +T): the top of a directory hierarchy for ext4's Orlov allocator. */
    private static final int FS_TOPDIR_FL = 0x00020000;

    private static final MethodHandle FALLOCATE = Native.downcall(
            "fallocate", FunctionDescriptor.of(Native.INT, Native.INT, Native.INT, Native.LONG, Native.LONG));
    private static final int FALLOC_FL_KEEP_SIZE = 0x01;
    private static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    private static final MethodHandle GETUID = Native.downcallPlain("getuid", FunctionDescriptor.of(Native.INT));
    private static final MethodHandle GETEUID = Native.downcallPlain("geteuid", FunctionDescriptor.of(Native.INT));
    private static final MethodHandle GETEGID = Native.downcallPlain("getegid", FunctionDescriptor.of(Native.INT));

    private static final int UMASK = readUmask();

    private Libc() {}

    // ---- mounts -------------------------------------------------------------------------------

    /** mount(2); {@code data} may be null. The message names the target. */
    public static void mount(String source, Path target, String fsType, long flags, String data) {
        run(
                "mount",
                target + " (type " + fsType + ", source " + source + ")",
                (arena, errno) -> (int) MOUNT.invokeExact(
                        errno,
                        cstr(arena, source),
                        cstr(arena, target.toString()),
                        cstr(arena, fsType),
                        flags,
                        cstr(arena, data)));
    }

    /** umount2(2), e.g. with {@link Mounts#MNT_DETACH}. */
    public static void umount2(Path target, int flags) {
        run("umount2", target.toString(), (arena, errno) ->
                (int) UMOUNT2.invokeExact(errno, cstr(arena, target.toString()), flags));
    }

    // ---- nodes and attributes ----------------------------------------------------------------

    /** mknod(2): {@code mode} includes the type bits (S_IFCHR, S_IFBLK, S_IFIFO …). */
    public static void mknod(Path path, int mode, int major, int minor) {
        run("mknod", path.toString(), (arena, errno) ->
                (int) MKNOD.invokeExact(errno, cstr(arena, path.toString()), mode, makedev(major, minor)));
    }

    public static void mkfifo(Path path, int permissions) {
        mknod(path, S_IFIFO | (permissions & 07777), 0, 0);
    }

    /** glibc's makedev(3) encoding of a dev_t. */
    public static long makedev(int major, int minor) {
        long maj = major & 0xffffffffL;
        long min = minor & 0xffffffffL;
        return ((maj & 0xfffff000L) << 32) | ((maj & 0xfffL) << 8) | ((min & 0xffffff00L) << 12) | (min & 0xffL);
    }

    public static int major(long dev) {
        return (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL));
    }

    public static int minor(long dev) {
        return (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0xffL));
    }

    public static void lchown(Path path, int uid, int gid) {
        run("lchown", path.toString(), (arena, errno) ->
                (int) LCHOWN.invokeExact(errno, cstr(arena, path.toString()), uid, gid));
    }

    /** chmod(2), which unlike Java's PosixFilePermission also sets setuid, setgid and sticky. */
    public static void chmod(Path path, int mode) {
        run("chmod", path.toString(), (arena, errno) ->
                (int) CHMOD.invokeExact(errno, cstr(arena, path.toString()), mode & 07777));
    }

    public static void lsetxattr(Path path, String name, byte[] value, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            MemorySegment v = arena.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, v, ValueLayout.JAVA_BYTE, 0, value.length);
            int rc = (int) LSETXATTR.invokeExact(
                    errno, cstr(arena, path.toString()), cstr(arena, name), v, (long) value.length, flags);
            check(rc, errno, "lsetxattr", path + " " + name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The value of xattr {@code name}, or null when the file has none by that name (ENODATA). */
    public static byte[] lgetxattr(Path path, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            MemorySegment p = cstr(arena, path.toString());
            MemorySegment n = cstr(arena, name);
            for (long size = 256; ; size *= 4) {
                MemorySegment buf = arena.allocate(size);
                long rc = (long) LGETXATTR.invokeExact(errno, p, n, buf, size);
                if (rc >= 0) {
                    return buf.asSlice(0, rc).toArray(ValueLayout.JAVA_BYTE);
                }
                int e = Native.errno(errno);
                if (e == Errno.ENODATA || e == Errno.EOPNOTSUPP) {
                    return null;
                }
                if (e != Errno.ERANGE || size > (1 << 24)) {
                    throw Errno.exception("lgetxattr", path + " " + name, e);
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Names of the file's xattrs (empty where the filesystem has none or does not support them). */
    public static List<String> llistxattr(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            MemorySegment p = cstr(arena, path.toString());
            for (long size = 1024; ; size *= 4) {
                MemorySegment buf = arena.allocate(size);
                long rc = (long) LLISTXATTR.invokeExact(errno, p, buf, size);
                if (rc >= 0) {
                    List<String> names = new ArrayList<>();
                    byte[] bytes = buf.asSlice(0, rc).toArray(ValueLayout.JAVA_BYTE);
                    int start = 0;
                    for (int i = 0; i < bytes.length; i++) {
                        if (bytes[i] == 0) {
                            if (i > start) {
                                names.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                            }
                            start = i + 1;
                        }
                    }
                    return names;
                }
                int e = Native.errno(errno);
                if (e == Errno.EOPNOTSUPP) {
                    return List.of();
                }
                if (e != Errno.ERANGE || size > (1 << 24)) {
                    throw Errno.exception("llistxattr", path.toString(), e);
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void lremovexattr(Path path, String name) {
        run("lremovexattr", path + " " + name, (arena, errno) ->
                (int) LREMOVEXATTR.invokeExact(errno, cstr(arena, path.toString()), cstr(arena, name)));
    }

    /**
     * utimensat(2) relative to the working directory with nanosecond times; {@code noFollow} sets
     * the times of a symlink itself. Pass {@link #UTIME_OMIT} as nanos to leave a time alone.
     */
    public static void utimensat(
            Path path, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec, boolean noFollow) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            MemorySegment times = timespecs(arena, atimeSec, atimeNsec, mtimeSec, mtimeNsec);
            int rc = (int) UTIMENSAT.invokeExact(
                    errno, AT_FDCWD, cstr(arena, path.toString()), times, noFollow ? AT_SYMLINK_NOFOLLOW : 0);
            check(rc, errno, "utimensat", path.toString());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** mkdir(2) with the mode (the umask applies, as for any mkdir). */
    public static void mkdir(Path path, int mode) {
        run("mkdir", path.toString(), (arena, errno) ->
                (int) MKDIR.invokeExact(errno, cstr(arena, path.toString()), mode & 07777));
    }

    /**
     * symlink(2) with the target exactly as given: Java's Path would normalise it ("a//b/" becomes
     * "a/b"), which changes what a layer holds.
     */
    public static void symlink(String target, Path link) {
        run("symlink", link + " -> " + target, (arena, errno) ->
                (int) SYMLINK.invokeExact(errno, cstr(arena, target), cstr(arena, link.toString())));
    }

    /** link(2): on Linux it never follows a symlink at {@code existing}, so a link to a link stays one. */
    public static void link(Path existing, Path newLink) {
        run("link", newLink + " => " + existing, (arena, errno) ->
                (int) LINK.invokeExact(errno, cstr(arena, existing.toString()), cstr(arena, newLink.toString())));
    }

    /** readlink(2): the target bytes exactly as stored (Java's readSymbolicLink normalises them). */
    public static String readlink(Path link) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            MemorySegment p = cstr(arena, link.toString());
            for (long size = 256; ; size *= 4) {
                MemorySegment buf = arena.allocate(size);
                long n = (long) READLINK.invokeExact(errno, p, buf, size);
                if (n < 0) {
                    throw Errno.exception("readlink", link.toString(), Native.errno(errno));
                }
                if (n < size) {
                    return new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** renameat2's flag: fail with EEXIST instead of replacing the target. */
    public static final int RENAME_NOREPLACE = 1;

    /** rename(2) that never replaces: EEXIST (ALREADY_EXISTS) when {@code to} exists. Atomic. */
    public static void renameNoReplace(Path from, Path to) {
        run("rename", from + " to " + to, (arena, errno) -> (int) RENAMEAT2.invokeExact(
                errno, AT_FDCWD, cstr(arena, from.toString()), AT_FDCWD, cstr(arena, to.toString()), RENAME_NOREPLACE));
    }

    // ---- file descriptors (the unpacker's fast path: one path lookup per file) -----------------

    /**
     * Native memory reused by a run of calls on one thread — the unpacker's per-file calls — so
     * that they allocate nothing: the errno capture, a path buffer and a timespec pair. Confined
     * to the thread that made it; close it when done.
     */
    public static final class Scratch implements AutoCloseable {
        private final Arena arena = Arena.ofConfined();
        private final MemorySegment capture = Native.capture(arena);
        private final MemorySegment times = arena.allocate(ValueLayout.JAVA_LONG, 4);
        private MemorySegment path = arena.allocate(4096);

        private MemorySegment cstr(Path p) {
            byte[] bytes = p.toString().getBytes(StandardCharsets.UTF_8);
            if (bytes.length + 1 > path.byteSize()) {
                path = arena.allocate(bytes.length + 1);
            }
            MemorySegment.copy(bytes, 0, path, ValueLayout.JAVA_BYTE, 0, bytes.length);
            path.set(ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
            return path;
        }

        private MemorySegment times(long aSec, long aNsec, long mSec, long mNsec) {
            times.setAtIndex(ValueLayout.JAVA_LONG, 0, aSec);
            times.setAtIndex(ValueLayout.JAVA_LONG, 1, aNsec);
            times.setAtIndex(ValueLayout.JAVA_LONG, 2, mSec);
            times.setAtIndex(ValueLayout.JAVA_LONG, 3, mNsec);
            return times;
        }

        /** A native buffer that lives as long as this scratch (e.g. for {@link #writeFully}). */
        public MemorySegment allocate(long size) {
            return arena.allocate(size, 4096);
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    public static int open(Scratch s, Path path, int flags, int mode) {
        try {
            int fd = (int) OPEN.invokeExact(s.capture, s.cstr(path), flags | O_CLOEXEC, mode);
            check(fd, s.capture, "open", path.toString());
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void writeFully(Scratch s, int fd, MemorySegment buffer, long length, Path pathForErrors) {
        try {
            long done = 0;
            while (done < length) {
                MemorySegment from = done == 0 ? buffer : buffer.asSlice(done);
                long n = (long) WRITE.invokeExact(s.capture, fd, from, length - done);
                if (n < 0) {
                    int e = Native.errno(s.capture);
                    if (e == Errno.EINTR) {
                        continue;
                    }
                    throw Errno.exception("write", pathForErrors.toString(), e);
                }
                done += n;
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void close(Scratch s, int fd, Path pathForErrors) {
        try {
            int rc = (int) CLOSE.invokeExact(s.capture, fd);
            check(rc, s.capture, "close", pathForErrors.toString());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void fchmod(Scratch s, int fd, int mode, Path pathForErrors) {
        try {
            int rc = (int) FCHMOD.invokeExact(s.capture, fd, mode & 07777);
            check(rc, s.capture, "fchmod", pathForErrors.toString());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void fchown(Scratch s, int fd, int uid, int gid, Path pathForErrors) {
        try {
            int rc = (int) FCHOWN.invokeExact(s.capture, fd, uid, gid);
            check(rc, s.capture, "fchown", pathForErrors.toString());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void futimens(
            Scratch s, int fd, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec, Path pathForErrors) {
        try {
            int rc = (int) FUTIMENS.invokeExact(s.capture, fd, s.times(atimeSec, atimeNsec, mtimeSec, mtimeNsec));
            check(rc, s.capture, "futimens", pathForErrors.toString());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void mkdir(Scratch s, Path path, int mode) {
        try {
            int rc = (int) MKDIR.invokeExact(s.capture, s.cstr(path), mode & 07777);
            check(rc, s.capture, "mkdir", path.toString());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** open(2); returns the descriptor. */
    public static final int MFD_ALLOW_SEALING = 2;

    public static final int F_SEAL_SEAL = 1;
    public static final int F_SEAL_SHRINK = 2;
    public static final int F_SEAL_GROW = 4;
    public static final int F_SEAL_WRITE = 8;
    private static final int F_ADD_SEALS = 1033;

    /** memfd_create(2), close-on-exec; the name shows in /proc as {@code /memfd:NAME}. */
    public static int memfdCreate(String name, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            int fd = (int) MEMFD_CREATE.invokeExact(errno, cstr(arena, name), flags | 1 /* MFD_CLOEXEC */);
            check(fd, errno, "memfd_create", name);
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int O_NONBLOCK = 04000;

    /**
     * Makes reads of {@code fd} return EAGAIN instead of waiting (fcntl O_NONBLOCK), for a reader
     * that waits through a {@link ReadinessPoller}.
     */
    public static void setNonBlocking(int fd, Path pathForErrors) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            int flags = (int) FCNTL_INT.invokeExact(errno, fd, F_GETFL, 0);
            check(flags, errno, "fcntl F_GETFL", pathForErrors.toString());
            check(
                    (int) FCNTL_INT.invokeExact(errno, fd, F_SETFL, flags | O_NONBLOCK),
                    errno,
                    "fcntl F_SETFL",
                    pathForErrors.toString());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** fcntl(fd, F_ADD_SEALS, seals) on a memfd made with {@link #MFD_ALLOW_SEALING}. */
    public static void addSeals(int fd, int seals) {
        run("fcntl F_ADD_SEALS", "fd " + fd, (arena, errno) ->
                (int) FCNTL_INT.invokeExact(errno, fd, F_ADD_SEALS, seals));
    }

    public static int open(Path path, int flags, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            int fd = (int) OPEN.invokeExact(errno, cstr(arena, path.toString()), flags | O_CLOEXEC, mode);
            check(fd, errno, "open", path.toString());
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Writes all {@code length} bytes of {@code buffer} (a native segment), retrying short writes. */
    public static void writeFully(int fd, MemorySegment buffer, long length, Path pathForErrors) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            long done = 0;
            while (done < length) {
                long n = (long) WRITE.invokeExact(errno, fd, buffer.asSlice(done), length - done);
                if (n < 0) {
                    int e = Native.errno(errno);
                    if (e == Errno.EINTR) {
                        continue;
                    }
                    throw Errno.exception("write", pathForErrors.toString(), e);
                }
                done += n;
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void close(int fd, Path pathForErrors) {
        run("close", pathForErrors.toString(), (arena, errno) -> (int) CLOSE.invokeExact(errno, fd));
    }

    public static void fchmod(int fd, int mode, Path pathForErrors) {
        run("fchmod", pathForErrors.toString(), (arena, errno) -> (int) FCHMOD.invokeExact(errno, fd, mode & 07777));
    }

    public static void fchown(int fd, int uid, int gid, Path pathForErrors) {
        run("fchown", pathForErrors.toString(), (arena, errno) -> (int) FCHOWN.invokeExact(errno, fd, uid, gid));
    }

    public static void futimens(
            int fd, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec, Path pathForErrors) {
        run("futimens", pathForErrors.toString(), (arena, errno) ->
                (int) FUTIMENS.invokeExact(errno, fd, timespecs(arena, atimeSec, atimeNsec, mtimeSec, mtimeNsec)));
    }

    /** fsync(2) of a file or directory (open it O_RDONLY, or O_DIRECTORY for a directory). */
    public static void fsync(Path path) {
        int fd = open(path, O_RDONLY | O_NOFOLLOW, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            int rc = (int) FSYNC.invokeExact(errno, fd);
            check(rc, errno, "fsync", path.toString());
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            close(fd, path);
        }
    }

    /** unshare(2)'s flag that gives the calling thread its own working directory, root and umask. */
    public static final int CLONE_FS = 0x00000200;

    /** unshare(2) for the calling thread (e.g. {@link #CLONE_FS} before a thread-local chdir). */
    public static void unshare(int flags) {
        run("unshare", "0x" + Integer.toHexString(flags), (arena, errno) -> (int) UNSHARE.invokeExact(errno, flags));
    }

    /** setns(2)'s type for a network namespace. */
    public static final int CLONE_NEWNET = 0x40000000;

    /**
     * setns(2) for the calling thread: {@code fd} names the namespace (e.g. /proc/PID/ns/net
     * opened read-only). Only on a platform thread that owns its namespaces: a virtual thread would
     * carry them to whatever runs on its carrier next.
     */
    public static void setns(int fd, int nstype, String what) {
        run("setns", what, (arena, errno) -> (int) SETNS.invokeExact(errno, fd, nstype));
    }

    /**
     * chdir(2). The working directory is shared by every thread of the JVM unless the calling
     * thread has done {@code unshare(CLONE_FS)}: only call it on such a thread.
     */
    public static void chdir(Path dir) {
        run("chdir", dir.toString(), (arena, errno) -> (int) CHDIR.invokeExact(errno, cstr(arena, dir.toString())));
    }

    /**
     * sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE): starts writing the file's dirty pages back
     * without waiting, so that a later fsync or syncfs finds the disk work done or under way.
     * Advisory: a filesystem that does not support it (EINVAL, ESPIPE, ENOSYS) is ignored.
     */
    public static void startWriteback(Scratch s, int fd, Path pathForErrors) {
        try {
            int rc = (int) SYNC_FILE_RANGE.invokeExact(s.capture, fd, 0L, 0L, SYNC_FILE_RANGE_WRITE);
            if (rc < 0) {
                int e = Native.errno(s.capture);
                if (e != Errno.EINVAL && e != 29 /* ESPIPE */ && e != Errno.ENOSYS) {
                    throw Errno.exception("sync_file_range", pathForErrors.toString(), e);
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Sets FS_TOPDIR_FL ({@code chattr +T}) on directory {@code dir}: ext4 then places each new
     * subdirectory (and the files below it) in a block group of its own choosing, spread over the
     * disk, instead of next to {@code dir}. An allocator hint with no other effect; returns false
     * where the filesystem has no such flag (xfs, btrfs, tmpfs, overlay) or refuses it.
     */
    public static boolean spreadSubdirectories(Path dir) {
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            MemorySegment flags = arena.allocate(Native.LONG);
            if ((int) IOCTL_PTR.invokeExact(errno, fd, FS_IOC_GETFLAGS, flags) < 0) {
                return false;
            }
            int current = flags.get(Native.INT, 0);
            if ((current & FS_TOPDIR_FL) != 0) {
                return true;
            }
            flags.set(Native.INT, 0, current | FS_TOPDIR_FL);
            return (int) IOCTL_PTR.invokeExact(errno, fd, FS_IOC_SETFLAGS, flags) == 0;
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            close(fd, dir);
        }
    }

    /** syncfs(2): writes back everything dirty on the filesystem holding path (one call, not one fsync per file). */
    public static void syncfs(Path path) {
        int fd = open(path, O_RDONLY, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            int rc = (int) SYNCFS.invokeExact(errno, fd);
            check(rc, errno, "syncfs", path.toString());
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            close(fd, path);
        }
    }

    // ---- pipes into files ----------------------------------------------------------------------

    private static final int SPLICE_F_NONBLOCK = 2;

    /**
     * splice(2) from pipe {@code pipeFd} into file {@code fileFd} at {@code fileOffset}: up to
     * {@code max} bytes, without waiting (SPLICE_F_NONBLOCK; wait with a {@link ReadinessPoller}).
     * The kernel takes the bytes out of the pipe and puts them in the file in one call, so a
     * process killed around it has either done both or neither. Returns the bytes moved; 0 when
     * the pipe has no writer left and is empty; -1 when it is empty and still has a writer.
     */
    public static long spliceToFile(int pipeFd, int fileFd, long fileOffset, long max, Path fileForErrors) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            MemorySegment offset = arena.allocateFrom(ValueLayout.JAVA_LONG, fileOffset);
            while (true) {
                long n = (long)
                        SPLICE.invokeExact(errno, pipeFd, MemorySegment.NULL, fileFd, offset, max, SPLICE_F_NONBLOCK);
                if (n >= 0) {
                    return n;
                }
                int e = Native.errno(errno);
                if (e == Errno.EAGAIN) {
                    return -1;
                }
                if (e != Errno.EINTR) {
                    throw Errno.exception("splice", fileForErrors.toString(), e);
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Frees the blocks of {@code [offset, offset + length)} of a file and keeps its size
     * (fallocate(2) PUNCH_HOLE): what is read there afterwards is zeros.
     */
    public static void punchHole(int fd, long offset, long length, Path pathForErrors) {
        run("fallocate", pathForErrors.toString(), (arena, errno) ->
                (int) FALLOCATE.invokeExact(errno, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length));
    }

    // ---- identity and filesystems -------------------------------------------------------------

    public static int getuid() {
        return callInt(GETUID);
    }

    public static int geteuid() {
        return callInt(GETEUID);
    }

    public static int getegid() {
        return callInt(GETEGID);
    }

    /** The process umask (read from /proc/self/status, since umask(2) can only read by writing). */
    public static int umask() {
        return UMASK;
    }

    /** statfs(2)'s f_type: the filesystem magic ({@link FsMagic}) of the filesystem holding path. */
    public static long statfsType(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            // struct statfs is 120 bytes on x86_64 and aarch64; f_type (a long) comes first.
            MemorySegment buf = arena.allocate(256, 8);
            int rc = (int) STATFS.invokeExact(errno, cstr(arena, path.toString()), buf);
            check(rc, errno, "statfs", path.toString());
            return buf.get(ValueLayout.JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private static MemorySegment cstr(Arena arena, String s) {
        return s == null ? MemorySegment.NULL : arena.allocateFrom(s);
    }

    private static MemorySegment timespecs(Arena arena, long aSec, long aNsec, long mSec, long mNsec) {
        MemorySegment times = arena.allocate(ValueLayout.JAVA_LONG, 4);
        times.setAtIndex(ValueLayout.JAVA_LONG, 0, aSec);
        times.setAtIndex(ValueLayout.JAVA_LONG, 1, aNsec);
        times.setAtIndex(ValueLayout.JAVA_LONG, 2, mSec);
        times.setAtIndex(ValueLayout.JAVA_LONG, 3, mNsec);
        return times;
    }

    /** One downcall that returns an int and sets errno, its arguments allocated in {@code arena}. */
    @FunctionalInterface
    private interface IntCall {
        int invoke(Arena arena, MemorySegment errno) throws Throwable;
    }

    /** Runs {@code call} in an arena of its own; a negative result throws its errno as {@code name(what)}. */
    private static void run(String name, String what, IntCall call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            check(call.invoke(arena, errno), errno, name, what);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void check(int rc, MemorySegment errno, String call, String what) {
        if (rc < 0) {
            throw Errno.exception(call, what, Native.errno(errno));
        }
    }

    private static int callInt(MethodHandle handle) {
        try {
            return (int) handle.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int readUmask() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Umask:")) {
                    return Integer.parseInt(line.substring(6).trim(), 8);
                }
            }
        } catch (Exception e) {
            // fall through to the usual default
        }
        return 022;
    }
}
