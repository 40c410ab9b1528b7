package dev.berth.core.sys;

import static dev.berth.core.sys.Native.capture;
import static dev.berth.core.sys.Native.rethrow;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parks virtual threads until a descriptor (a pipe, a fifo) is readable: one platform thread
 * waits in epoll_wait(2) for all of them, so a stream that waits costs a map entry and a parked
 * virtual thread, not a platform thread.
 *
 * <p>Why not a plain blocking read on a virtual thread: a read(2) or splice(2) made through FFM
 * holds its carrier for as long as it blocks, and so does {@code FileInputStream.read} of a fifo
 * (JDK 25, measured: 50 virtual threads reading 50 fifos, 2 carriers, only 2 ever got their
 * bytes). And a platform thread per stream costs ~85 KiB of resident stack (the JVM touches its
 * stack's shadow pages), so each running container's stdout and stderr cost ~170 KiB.
 *
 * <p>The descriptor must be non-blocking ({@link Libc#setNonBlocking}); the caller reads until it
 * would block, then {@link #awaitReadable waits}. Registrations are one-shot: a wake-up disarms
 * the descriptor, the next wait arms it again, and closing it removes it from the epoll set.
 */
public final class ReadinessPoller {
    private static final Logger LOG = LoggerFactory.getLogger(ReadinessPoller.class);

    private static final int EPOLL_CLOEXEC = 02000000;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CTL_MOD = 3;
    /** EPOLLHUP and EPOLLERR are always reported: a fifo whose writers are gone wakes its reader. */
    private static final int EPOLLIN = 0x001;

    private static final int EPOLLONESHOT = 1 << 30;
    /** struct epoll_event is packed on x86-64 (12 bytes), naturally aligned elsewhere (16). */
    private static final boolean PACKED = "amd64".equals(System.getProperty("os.arch"));

    private static final long EVENT_SIZE = PACKED ? 12 : 16;
    private static final long DATA_OFFSET = PACKED ? 4 : 8;
    private static final int MAX_EVENTS = 64;

    private static final MethodHandle EPOLL_CREATE1 =
            Native.downcall("epoll_create1", FunctionDescriptor.of(Native.INT, Native.INT));
    private static final MethodHandle EPOLL_CTL = Native.downcall(
            "epoll_ctl", FunctionDescriptor.of(Native.INT, Native.INT, Native.INT, Native.INT, Native.POINTER));
    private static final MethodHandle EPOLL_WAIT = Native.downcall(
            "epoll_wait", FunctionDescriptor.of(Native.INT, Native.INT, Native.POINTER, Native.INT, Native.INT));

    private final int epoll;
    /** Key of each wait (the epoll event's data) → the thread parked on it; the poller removes it. */
    private final Map<Long, Thread> waiting = new ConcurrentHashMap<>();

    private final AtomicLong keys = new AtomicLong();

    /** Starts the polling thread, named {@code name}. */
    public ReadinessPoller(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            int fd = (int) EPOLL_CREATE1.invokeExact(errno, EPOLL_CLOEXEC);
            if (fd < 0) {
                throw Errno.exception("epoll_create1", name, Native.errno(errno));
            }
            this.epoll = fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
        Thread.ofPlatform().daemon().name(name).start(this::poll);
    }

    /**
     * Parks the calling thread until {@code fd} is readable, hung up (no writer left) or in error.
     *
     * @throws InterruptedException when the thread is interrupted while it waits
     */
    public void awaitReadable(int fd) throws InterruptedException {
        Long key = keys.incrementAndGet();
        waiting.put(key, Thread.currentThread());
        try {
            arm(fd, key);
            while (waiting.containsKey(key)) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    throw new InterruptedException("waiting for fd " + fd);
                }
            }
        } finally {
            waiting.remove(key);
        }
    }

    private void arm(int fd, long key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            MemorySegment event = arena.allocate(EVENT_SIZE, 8);
            event.set(ValueLayout.JAVA_INT, 0, EPOLLIN | EPOLLONESHOT);
            event.set(ValueLayout.JAVA_LONG_UNALIGNED, DATA_OFFSET, key);
            // armed before (one-shot, now disarmed): modify; first wait on this descriptor: add
            int rc = (int) EPOLL_CTL.invokeExact(errno, epoll, EPOLL_CTL_MOD, fd, event);
            if (rc < 0 && Native.errno(errno) == Errno.ENOENT) {
                rc = (int) EPOLL_CTL.invokeExact(errno, epoll, EPOLL_CTL_ADD, fd, event);
            }
            if (rc < 0) {
                throw Errno.exception("epoll_ctl", "fd " + fd, Native.errno(errno));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private void poll() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = capture(arena);
            MemorySegment events = arena.allocate(EVENT_SIZE * MAX_EVENTS, 8);
            while (true) {
                int n = (int) EPOLL_WAIT.invokeExact(errno, epoll, events, MAX_EVENTS, -1);
                if (n < 0) {
                    if (Native.errno(errno) == Errno.EINTR) {
                        continue;
                    }
                    throw Errno.exception("epoll_wait", "", Native.errno(errno));
                }
                for (int i = 0; i < n; i++) {
                    // a key nobody waits on is a closed descriptor's late event
                    Thread thread =
                            waiting.remove(events.get(ValueLayout.JAVA_LONG_UNALIGNED, i * EVENT_SIZE + DATA_OFFSET));
                    if (thread != null) {
                        LockSupport.unpark(thread);
                    }
                }
            }
        } catch (Throwable t) {
            LOG.error("readiness poller stopped: {}", t.toString());
        }
    }
}
