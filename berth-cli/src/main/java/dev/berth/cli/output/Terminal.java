package dev.berth.cli.output;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Asks the kernel whether a standard stream is a terminal and how wide it is, through isatty(3)
 * and ioctl(TIOCGWINSZ) over FFM: Java's Console only says whether stdin and stdout together are
 * interactive, and docker's decisions are per stream (refuse to save a tar to a terminal, redraw
 * progress in place only on one).
 */
public final class Terminal {
    private static final long TIOCGWINSZ = 0x5413;
    private static final MethodHandle ISATTY;
    private static final MethodHandle IOCTL;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        ISATTY = linker.downcallHandle(libc.find("isatty").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        IOCTL = linker.downcallHandle(libc.find("ioctl").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
                Linker.Option.firstVariadicArg(2));
    }

    private Terminal() {
    }

    public static boolean isTerminal(int fd) {
        try {
            return (int) ISATTY.invokeExact(fd) == 1;
        } catch (Throwable e) {
            return false;
        }
    }

    /** Columns of the terminal on {@code fd}, or 0 when it is not one. */
    public static int columns(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment winsize = arena.allocate(8);
            if ((int) IOCTL.invokeExact(fd, TIOCGWINSZ, winsize) != 0) {
                return 0;
            }
            return Short.toUnsignedInt(winsize.get(ValueLayout.JAVA_SHORT, 2));
        } catch (Throwable e) {
            return 0;
        }
    }
}
