package dev.berth.core.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * A directory whose paths the kernel resolves inside it: openat2(2) with RESOLVE_IN_ROOT, so a
 * symlink (absolute or through "..") never leads out of it, not even one that a process in a
 * running container swaps in between two of our calls. Checking a path first and using it after
 * is not enough there (CVE-2018-15664, the docker cp race): each operation here has the kernel
 * resolve the parent afresh, in the root, and pins it as a descriptor; the operation gets
 * {@code /proc/self/fd/N/name}, in which only the last component is still looked up by name.
 *
 * <p>For a running container the root is {@code /proc/<pid>/root}: the descriptor opened through
 * that link is the container's own root, and lookups from it cross the mounts of the container's
 * mount namespace (its volumes and binds), as the container sees them.
 */
public final class InRoot implements PathScope, AutoCloseable {
    private static final long SYS_OPENAT2 = 437; // x86_64 and aarch64 share it
    private static final long O_PATH = 010000000;
    private static final long RESOLVE_NO_MAGICLINKS = 0x02;
    private static final long RESOLVE_IN_ROOT = 0x10;
    private static final MethodHandle SYSCALL = Native.downcall(
            "syscall",
            FunctionDescriptor.of(Native.LONG, Native.LONG, Native.LONG, Native.POINTER, Native.POINTER, Native.LONG),
            Native.firstVariadicArg(1));

    private final Path root;
    private final int rootFd;

    private InRoot(Path root, int rootFd) {
        this.root = root;
        this.rootFd = rootFd;
    }

    /** Opens {@code root} (following it, e.g. the /proc/&lt;pid&gt;/root link) as the root of every lookup. */
    public static InRoot open(Path root) {
        int fd = Libc.open(root, (int) O_PATH | Libc.O_DIRECTORY, 0);
        return new InRoot(root.toAbsolutePath().normalize(), fd);
    }

    public Path root() {
        return root;
    }

    @Override
    public <T> T entry(Path path, PathOp<T> op) throws IOException {
        Path relative = relative(path);
        if (relative.toString().isEmpty()) {
            return op.apply(fdPath(rootFd).resolve("."));
        }
        Path parent = relative.getParent();
        if (parent == null) {
            return op.apply(fdPath(rootFd).resolve(relative.getFileName().toString()));
        }
        int fd = resolve(parent.toString(), Libc.O_DIRECTORY);
        try {
            return op.apply(fdPath(fd).resolve(relative.getFileName().toString()));
        } finally {
            Libc.close(fd, path);
        }
    }

    @Override
    public <T> T object(Path path, PathOp<T> op) throws IOException {
        Path relative = relative(path);
        if (relative.toString().isEmpty()) {
            return op.apply(fdPath(rootFd));
        }
        int fd = resolve(relative.toString(), Libc.O_NOFOLLOW);
        try {
            return op.apply(fdPath(fd));
        } finally {
            Libc.close(fd, path);
        }
    }

    /** An O_PATH descriptor of {@code relative}, resolved by the kernel inside the root. */
    private int resolve(String relative, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Native.capture(arena);
            MemorySegment how = arena.allocate(ValueLayout.JAVA_LONG, 3); // struct open_how
            how.setAtIndex(ValueLayout.JAVA_LONG, 0, O_PATH | flags | Libc.O_CLOEXEC);
            how.setAtIndex(ValueLayout.JAVA_LONG, 1, 0);
            how.setAtIndex(ValueLayout.JAVA_LONG, 2, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
            int fd = (int) (long) SYSCALL.invokeExact(
                    errno, SYS_OPENAT2, (long) rootFd, arena.allocateFrom(relative), how, how.byteSize());
            if (fd < 0) {
                throw Errno.exception("openat2", root.resolve(relative).toString(), Native.errno(errno));
            }
            return fd;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private Path relative(Path path) {
        Path p = path.toAbsolutePath().normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException(path + " is not under " + root);
        }
        return root.relativize(p);
    }

    private static Path fdPath(int fd) {
        return Path.of("/proc/self/fd/" + fd);
    }

    @Override
    public void close() {
        Libc.close(rootFd, root);
    }
}
