package dev.berth.cli.output;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The process's standard streams, environment and terminal facts, passed to commands so that
 * tests can run them with buffers and a chosen environment instead of the real ones.
 *
 * @param out     text output (UTF-8, buffered: commands flush); {@code raw} is the same stream for bytes such as a saved tar
 * @param columns the width of the terminal on stdout, or -1 to ask the kernel when a progress bar needs it
 */
public record Console(
        InputStream in,
        PrintStream out,
        OutputStream raw,
        PrintStream err,
        Map<String, String> env,
        boolean inIsTerminal,
        boolean outIsTerminal,
        int columns) {

    /** The terminal's width on stdout, 0 when unknown. */
    public int width() {
        return columns >= 0 ? columns : outIsTerminal ? Terminal.columns(1) : 0;
    }

    public static Console system() {
        OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        return new Console(
                new FileInputStream(FileDescriptor.in),
                new PrintStream(stdout, false, StandardCharsets.UTF_8),
                stdout,
                new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8),
                System.getenv(),
                Terminal.isTerminal(0),
                Terminal.isTerminal(1),
                -1);
    }
}
