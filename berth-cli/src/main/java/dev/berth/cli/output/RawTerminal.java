package dev.berth.cli.output;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A terminal in raw mode for {@code run -it}, as the docker CLI's moby/term MakeRaw: keys go to
 * the container as typed (no echo, no line editing, ^C as a byte), and the old mode comes back
 * on {@link #close}. Through FFM (tcgetattr, cfmakeraw, tcsetattr; the size is {@link Terminal#size}); only
 * interactive runs pay for setting up the linker.
 */
public final class RawTerminal implements AutoCloseable {
    private static final int TCSANOW = 0;
    /** sizeof(struct termios) on Linux/glibc is 60; a little more is harmless. */
    private static final long TERMIOS_SIZE = 64;

    private final int fd;
    private final Arena arena;
    private final MemorySegment saved;
    private final MethodHandle tcsetattr;

    private RawTerminal(int fd, Arena arena, MemorySegment saved, MethodHandle tcsetattr) {
        this.fd = fd;
        this.arena = arena;
        this.saved = saved;
        this.tcsetattr = tcsetattr;
    }

    /** Puts terminal {@code fd} in raw mode. */
    public static RawTerminal enter(int fd) {
        Linker linker = Linker.nativeLinker();
        MethodHandle tcgetattr = downcall(
                linker,
                "tcgetattr",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        MethodHandle cfmakeraw = downcall(linker, "cfmakeraw", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        MethodHandle tcsetattr = downcall(
                linker,
                "tcsetattr",
                FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        Arena arena = Arena.ofShared();
        try {
            MemorySegment saved = arena.allocate(TERMIOS_SIZE);
            if ((int) tcgetattr.invokeExact(fd, saved) != 0) {
                throw new IllegalStateException("tcgetattr(" + fd + ") failed: not a terminal");
            }
            MemorySegment raw = arena.allocate(TERMIOS_SIZE);
            raw.copyFrom(saved);
            cfmakeraw.invokeExact(raw);
            if ((int) tcsetattr.invokeExact(fd, TCSANOW, raw) != 0) {
                throw new IllegalStateException("tcsetattr(" + fd + ") failed");
            }
            return new RawTerminal(fd, arena, saved, tcsetattr);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        } catch (Throwable e) {
            arena.close();
            throw new IllegalStateException("raw terminal mode: " + e, e);
        }
    }

    private static MethodHandle downcall(Linker linker, String name, FunctionDescriptor descriptor) {
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(), descriptor);
    }

    /** Restores the mode the terminal had before. */
    @Override
    public synchronized void close() {
        if (!arena.scope().isAlive()) {
            return;
        }
        try {
            int ignored = (int) tcsetattr.invokeExact(fd, TCSANOW, saved);
        } catch (Throwable e) {
            // the terminal is gone; nothing to restore
        } finally {
            arena.close();
        }
    }
}
