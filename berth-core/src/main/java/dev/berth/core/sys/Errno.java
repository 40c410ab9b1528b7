package dev.berth.core.sys;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Map;

/**
 * Linux errno values (x86_64 and aarch64 share them), their names, {@code strerror} text and the
 * one mapping from errno to {@link ErrorKind}.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int EROFS = 30;
    public static final int EMLINK = 31;
    public static final int ERANGE = 34;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int ENOTEMPTY = 39;
    public static final int ELOOP = 40;
    public static final int ENODATA = 61;
    public static final int EOPNOTSUPP = 95;
    public static final int EADDRINUSE = 98;
    public static final int ENOBUFS = 105;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "EPERM"),
            Map.entry(2, "ENOENT"),
            Map.entry(3, "ESRCH"),
            Map.entry(4, "EINTR"),
            Map.entry(5, "EIO"),
            Map.entry(6, "ENXIO"),
            Map.entry(7, "E2BIG"),
            Map.entry(8, "ENOEXEC"),
            Map.entry(9, "EBADF"),
            Map.entry(10, "ECHILD"),
            Map.entry(11, "EAGAIN"),
            Map.entry(12, "ENOMEM"),
            Map.entry(13, "EACCES"),
            Map.entry(14, "EFAULT"),
            Map.entry(15, "ENOTBLK"),
            Map.entry(16, "EBUSY"),
            Map.entry(17, "EEXIST"),
            Map.entry(18, "EXDEV"),
            Map.entry(19, "ENODEV"),
            Map.entry(20, "ENOTDIR"),
            Map.entry(21, "EISDIR"),
            Map.entry(22, "EINVAL"),
            Map.entry(23, "ENFILE"),
            Map.entry(24, "EMFILE"),
            Map.entry(25, "ENOTTY"),
            Map.entry(26, "ETXTBSY"),
            Map.entry(27, "EFBIG"),
            Map.entry(28, "ENOSPC"),
            Map.entry(29, "ESPIPE"),
            Map.entry(30, "EROFS"),
            Map.entry(31, "EMLINK"),
            Map.entry(32, "EPIPE"),
            Map.entry(34, "ERANGE"),
            Map.entry(36, "ENAMETOOLONG"),
            Map.entry(38, "ENOSYS"),
            Map.entry(39, "ENOTEMPTY"),
            Map.entry(40, "ELOOP"),
            Map.entry(61, "ENODATA"),
            Map.entry(95, "EOPNOTSUPP"),
            Map.entry(98, "EADDRINUSE"),
            Map.entry(99, "EADDRNOTAVAIL"),
            Map.entry(101, "ENETUNREACH"),
            Map.entry(105, "ENOBUFS"),
            Map.entry(122, "EDQUOT"));

    private static final MethodHandle STRERROR =
            Native.downcallPlain("strerror", java.lang.foreign.FunctionDescriptor.of(Native.POINTER, Native.INT));

    private Errno() {}

    /** The symbolic name, such as {@code EPERM}, or {@code errno 123} for ones not listed here. */
    public static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }

    /** The C library's text for the errno, e.g. "Operation not permitted". */
    public static String describe(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            return name(errno);
        }
    }

    /** The error kind a failure with this errno reports. */
    public static ErrorKind kind(int errno) {
        return switch (errno) {
            case ENOENT -> ErrorKind.NOT_FOUND;
            case EEXIST -> ErrorKind.ALREADY_EXISTS;
            case EACCES, EPERM -> ErrorKind.FORBIDDEN;
            case EINVAL -> ErrorKind.INVALID_ARGUMENT;
            default -> ErrorKind.INTERNAL;
        };
    }

    /** {@code mknod /x/dev/null: Operation not permitted (EPERM)}. */
    public static String message(String call, String path, int errno) {
        return call + " " + path + ": " + describe(errno) + " (" + name(errno) + ")";
    }

    /**
     * The exception a failed call throws: a {@link BerthException} of {@link #kind(int)}, whose
     * message names call, path and strerror, and whose cause carries the errno for the few callers
     * that must react to one value (see {@link #of(Throwable)}); never parse the message.
     */
    public static BerthException exception(String call, String path, int errno) {
        return new BerthException(kind(errno), message(call, path, errno), new ErrnoCause(errno));
    }

    /** As {@link #exception(String, String, int)}, with the kernel's own explanation (netlink's extended ack) when it gave one. */
    public static BerthException exception(String call, String path, int errno, String detail) {
        String message = message(call, path, errno) + (detail == null || detail.isEmpty() ? "" : ": " + detail);
        return new BerthException(kind(errno), message, new ErrnoCause(errno));
    }

    /** The errno behind a failure thrown by this package, or 0 when it was not a failed call. */
    public static int of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ErrnoCause cause) {
                return cause.errno;
            }
        }
        return 0;
    }

    /** Carries the raw errno as the cause of the BerthException (BerthException itself is final). */
    private static final class ErrnoCause extends RuntimeException {
        private final int errno;

        ErrnoCause(int errno) {
            super(name(errno), null, false, false);
            this.errno = errno;
        }
    }
}
