package dev.berth.runtime.shim;

import dev.berth.core.error.BerthException;
import dev.berth.runtime.ContainerProcess;
import dev.berth.runtime.ExitStatus;
import dev.berth.runtime.cgroup.Cgroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * A container found again after a daemon restart, watched through its shim: the shim is no
 * longer this daemon's child, so its end is seen by polling (its exit file, written before it
 * exits, or its pid going away or being reused) rather than by waitpid.
 */
final class ReattachedContainer implements ContainerProcess {
    /** How often a reattached container is checked; the daemon only reattaches after a crash. */
    private static final long POLL_MILLIS = 100;

    private final String id;
    private final long pid;
    private final long shimPid;
    private final Cgroup cgroup;
    private final Path control;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

    /**
     * @param shimStart the shim's start time in /proc/PID/stat, telling it from a later process with its pid
     * @param control   the shim's control fifo, or null (a shim started without one)
     */
    ReattachedContainer(String id, long pid, long shimPid, long shimStart, Path exitFile, Cgroup cgroup, Path control) {
        this.id = id;
        this.pid = pid;
        this.shimPid = shimPid;
        this.cgroup = cgroup;
        this.control = control;
        Thread.ofVirtual().name("reattached-" + id).start(() -> {
            while (!Files.exists(exitFile) && startTime(shimPid) == shimStart) {
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
            exit.complete(finish(exitFile));
        });
    }

    /**
     * The start time (field 22 of /proc/PID/stat, in clock ticks since boot) of a live process,
     * or -1 when there is none or it is a zombie (it has exited; only its reaping is pending).
     */
    static long startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name may hold spaces and parentheses: fields start after the last ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            if (fields[0].equals("Z") || fields[0].equals("X")) {
                return -1;
            }
            return Long.parseLong(fields[19]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private ExitStatus finish(Path exitFile) {
        boolean oom = false;
        try {
            oom = cgroup.exists() && cgroup.oomKilled();
        } catch (RuntimeException ignored) {
            // the cgroup is already gone: no OOM to report
        }
        ExitStatus status;
        try {
            String line = Files.exists(exitFile) ? Files.readString(exitFile).trim() : "";
            if (line.startsWith("signal ")) {
                status = ExitStatus.killed(Integer.parseInt(line.substring(7).trim()), oom);
            } else if (line.startsWith("exit ")) {
                status = ExitStatus.exited(Integer.parseInt(line.substring(5).trim()), oom, null);
            } else {
                // Docker's code for a container whose end nobody saw
                status = ExitStatus.exited(255, oom, "the shim ended without writing " + exitFile);
            }
        } catch (IOException | NumberFormatException e) {
            status = ExitStatus.exited(255, oom, "cannot read " + exitFile + ": " + e.getMessage());
        }
        try {
            cgroup.remove();
        } catch (RuntimeException ignored) {
            // left for the daemon's start-up cleanup
        }
        return status;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public long shimPid() {
        return shimPid;
    }

    @Override
    public CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    @Override
    public Cgroup cgroup() {
        return cgroup;
    }

    @Override
    public void start() {
        throw BerthException.conflict("container %s is already running", id);
    }

    /**
     * Through the shim, which signals its own child (a pid it has not reaped cannot be reused);
     * straight to the pid only for a shim without a control fifo.
     */
    @Override
    public void kill(int signal) {
        if (control != null) {
            send("kill " + signal);
        } else if (!exit.isDone()) {
            Signals.kill(pid, signal);
        }
    }

    @Override
    public void resize(int rows, int cols) {
        if (control == null) {
            throw BerthException.notImplemented("resizing the terminal of a container after a daemon restart");
        }
        send("resize " + rows + " " + cols);
    }

    @Override
    public void closeStdin() {
        if (control != null) {
            send("closestdin");
        }
    }

    /**
     * One command line to the shim's control fifo, in one write (atomic below PIPE_BUF). Opened
     * read-write: a write-only open would wait for a reader if the shim were gone.
     */
    private synchronized void send(String command) {
        if (exit.isDone()) {
            return;
        }
        try (java.io.RandomAccessFile fifo = new java.io.RandomAccessFile(control.toFile(), "rw")) {
            fifo.write((command + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw BerthException.unavailable("shim of container %s: %s: %s", id, control, e.getMessage());
        }
    }

    @Override
    public void delete() {
        if (!exit.isDone()) {
            throw BerthException.conflict("container %s is still running", id);
        }
    }
}
