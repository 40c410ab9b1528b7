package dev.berth.cli.output;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a standard stream is a terminal, and how wide it is. Java's Console only says whether
 * stdin and stdout together are interactive, and docker's decisions are per stream (refuse to save
 * a tar to a terminal, redraw progress in place only on one).
 *
 * <p>Whether a stream is a terminal is read from the device /proc/self/fd/N points at (a pty,
 * a virtual console, a serial line or the console) rather than asked with isatty(3) over FFM:
 * setting up the FFM linker costs about a second of start-up on a busy machine, on every command.
 * The width needs ioctl(TIOCGWINSZ), so FFM is used only there, and only when a progress bar is
 * drawn on a terminal.
 */
public final class Terminal {
    private static final long TIOCGWINSZ = 0x5413;

    private Terminal() {}

    public static boolean isTerminal(int fd) {
        try {
            String device =
                    Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty") || device.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Columns of the terminal on {@code fd}, or 0 when it is not one. */
    public static int columns(int fd) {
        int[] size = size(fd);
        return size == null ? 0 : size[1];
    }

    /** Rows and columns of the terminal on {@code fd}, or null when it is not one. */
    public static int[] size(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            Linker linker = Linker.nativeLinker();
            MethodHandle ioctl = linker.downcallHandle(
                    linker.defaultLookup().find("ioctl").orElseThrow(),
                    FunctionDescriptor.of(
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
                    Linker.Option.firstVariadicArg(2));
            MemorySegment winsize = arena.allocate(8);
            if ((int) ioctl.invokeExact(fd, TIOCGWINSZ, winsize) != 0) {
                return null;
            }
            return new int[] {
                Short.toUnsignedInt(winsize.get(ValueLayout.JAVA_SHORT, 0)),
                Short.toUnsignedInt(winsize.get(ValueLayout.JAVA_SHORT, 2))
            };
        } catch (Throwable e) {
            return null;
        }
    }
}
