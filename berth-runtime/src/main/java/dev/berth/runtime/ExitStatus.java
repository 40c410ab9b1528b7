package dev.berth.runtime;

/**
 * How a container ended.
 *
 * @param exitCode  Docker's number: the exit code, or 128 + signal when killed by one
 * @param signal    the signal that killed it, 0 if it exited
 * @param oomKilled the kernel's OOM killer killed a process of the container
 * @param error     why the command never ran (setup or exec failure), or null
 */
public record ExitStatus(int exitCode, int signal, boolean oomKilled, String error) {
    public static ExitStatus exited(int code, boolean oomKilled, String error) {
        return new ExitStatus(code, 0, oomKilled, error);
    }

    public static ExitStatus killed(int signal, boolean oomKilled) {
        return new ExitStatus(128 + signal, signal, oomKilled, null);
    }
}
