package dev.berth.core.sys;

import static dev.berth.core.sys.Native.capture;
import static dev.berth.core.sys.Native.rethrow;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Sockets of families Java's channels do not offer (netlink), as raw descriptors. The protocol
 * on top (rtnetlink messages) lives with its user; these are only the calls, each failure thrown
 * as {@link Errno#exception} naming the call and what it was for.
 */
public final class Sockets {
    public static final int AF_NETLINK = 16;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 02000000;

    private static final MethodHandle SOCKET =
            Native.downcall("socket", FunctionDescriptor.of(Native.INT, Native.INT, Native.INT, Native.INT));
    private static final MethodHandle BIND =
            Native.downcall("bind", FunctionDescriptor.of(Native.INT, Native.INT, Native.POINTER, Native.INT));
    private static final MethodHandle SEND = Native.downcall(
            "send", FunctionDescriptor.of(Native.LONG, Native.INT, Native.POINTER, Native.LONG, Native.INT));
    private static final MethodHandle RECV = Native.downcall(
            "recv", FunctionDescriptor.of(Native.LONG, Native.INT, Native.POINTER, Native.LONG, Native.INT));
    private static final MethodHandle SETSOCKOPT = Native.downcall(
            "setsockopt",
            FunctionDescriptor.of(Native.INT, Native.INT, Native.INT, Native.INT, Native.POINTER, Native.INT));
    private static final MethodHandle CLOSE = Native.downcall("close", FunctionDescriptor.of(Native.INT, Native.INT));

    private Sockets() {}

    /** socket(2), always close-on-exec; returns the descriptor. */
    public static int open(int domain, int type, int protocol, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            int fd = (int) SOCKET.invokeExact(errno, domain, type | SOCK_CLOEXEC, protocol);
            check(fd, errno, "socket", what);
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** bind(2) to the socket address given as its bytes (e.g. a sockaddr_nl). */
    public static void bind(int fd, byte[] sockaddr, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            MemorySegment addr = arena.allocate(sockaddr.length, 4);
            MemorySegment.copy(sockaddr, 0, addr, ValueLayout.JAVA_BYTE, 0, sockaddr.length);
            check((int) BIND.invokeExact(errno, fd, addr, sockaddr.length), errno, "bind", what);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** setsockopt(2) with an int value. */
    public static void setOption(int fd, int level, int name, int value, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            MemorySegment v = arena.allocateFrom(ValueLayout.JAVA_INT, value);
            check((int) SETSOCKOPT.invokeExact(errno, fd, level, name, v, 4), errno, "setsockopt", what);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** send(2) of one whole datagram; a datagram socket sends all of it or fails. */
    public static void send(int fd, MemorySegment buffer, long length, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            while (true) {
                long n = (long) SEND.invokeExact(errno, fd, buffer, length, 0);
                if (n >= 0) {
                    return;
                }
                int e = Native.errno(errno);
                if (e != Errno.EINTR) {
                    throw Errno.exception("send", what, e);
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** recv(2) of one datagram into {@code buffer}; returns its length (larger than the buffer when truncated with MSG_TRUNC). */
    public static long receive(int fd, MemorySegment buffer, int flags, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            while (true) {
                long n = (long) RECV.invokeExact(errno, fd, buffer, buffer.byteSize(), flags);
                if (n >= 0) {
                    return n;
                }
                int e = Native.errno(errno);
                if (e != Errno.EINTR) {
                    throw Errno.exception("recv", what, e);
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** close(2); a descriptor is closed even when close reports an error, so this never throws. */
    public static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(capture(arena), fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void check(int rc, MemorySegment errno, String call, String what) {
        if (rc < 0) {
            throw Errno.exception(call, what, Native.errno(errno));
        }
    }
}
