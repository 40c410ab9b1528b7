package dev.berth.it;

/** What a finished command gave back: its exit code and its whole output. */
public record CommandResult(int exitCode, String stdout, String stderr) {
    /** Fails with the command's output when it did not exit 0; returns stdout otherwise. */
    public String ok() {
        if (exitCode != 0) {
            throw new AssertionError("exit code " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
        }
        return stdout;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
}
