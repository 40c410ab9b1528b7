package dev.berth.runtime.shim;

import dev.berth.core.error.BerthException;
import dev.berth.runtime.ContainerProcess;
import dev.berth.runtime.ExitStatus;
import dev.berth.runtime.cgroup.Cgroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A container found again after a daemon restart: watched through its shim's pid and exit file. */
final class ReattachedContainer implements ContainerProcess {
    private final String id;
    private final long pid;
    private final long shimPid;
    private final Cgroup cgroup;
    private final CompletableFuture<ExitStatus> exit;

    ReattachedContainer(String id, long pid, long shimPid, Optional<ProcessHandle> shim, Path exitFile, Cgroup cgroup) {
        this.id = id;
        this.pid = pid;
        this.shimPid = shimPid;
        this.cgroup = cgroup;
        this.exit = shim.map(ProcessHandle::onExit).orElseGet(() -> CompletableFuture.completedFuture(null))
                .thenApplyAsync(ignored -> finish(exitFile), r -> Thread.ofVirtual().start(r));
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

    @Override public String id() { return id; }
    @Override public long pid() { return pid; }
    @Override public long shimPid() { return shimPid; }
    @Override public CompletableFuture<ExitStatus> exit() { return exit; }
    @Override public Cgroup cgroup() { return cgroup; }

    @Override
    public void start() {
        throw BerthException.conflict("container %s is already running", id);
    }

    @Override
    public void kill(int signal) {
        if (!exit.isDone()) {
            Signals.kill(pid, signal);
        }
    }

    @Override
    public void resize(int rows, int cols) {
        throw BerthException.notImplemented("resizing a container after a daemon restart");
    }

    @Override
    public void delete() {
        if (!exit.isDone()) {
            throw BerthException.conflict("container %s is still running", id);
        }
    }
}
