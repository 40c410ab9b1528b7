package dev.berth.cli.command;

import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * The one place where a failure becomes an exit code and a line on stderr, as docker's CLI does:
 * usage errors exit 125, everything else (a daemon error, a daemon that is not running, a local
 * file that cannot be read) exits 1 with its message.
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    /** docker's code for a command line it could not parse. */
    public static final int USAGE = 125;

    private ExitCodes() {}

    public static int of(Throwable failure) {
        if (failure instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        return FAILURE;
    }

    /** What the user reads on stderr. */
    public static String message(Throwable failure) {
        return switch (failure) {
            case BerthException e -> e.getMessage();
            case NoSuchFileException e -> "open " + e.getFile() + ": no such file or directory";
            case AccessDeniedException e -> "open " + e.getFile() + ": permission denied";
            case IOException e -> e.getMessage() == null ? e.toString() : e.getMessage();
            case java.io.UncheckedIOException e -> message(e.getCause());
            case CommandLine.ParameterException e -> e.getMessage();
            default -> "internal error: " + failure;
        };
    }

    /** Prints the failure (with its stack trace when debugging or when it is a bug) and returns its exit code. */
    public static int report(Throwable failure, PrintStream err, boolean debug) {
        err.println(message(failure));
        boolean bug = !(failure instanceof BerthException
                || failure instanceof IOException
                || failure instanceof java.io.UncheckedIOException
                || failure instanceof CommandLine.ParameterException);
        if (debug || bug) {
            failure.printStackTrace(err);
        }
        return of(failure);
    }
}
