package dev.berth.runtime.shim;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.runtime.ContainerProcess;
import dev.berth.runtime.ExitStatus;
import dev.berth.runtime.cgroup.Cgroup;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's side of one berth-shim process: sends it commands on its stdin ("go", "kill N",
 * "resize R C", "closestdin") and reads its events on its stdout ("pid", "started", "error", "exit"/"signal")
 * on a virtual thread. The shim outlives the daemon; its exit file says how the container ended.
 */
public final class ShimSupervisor implements ContainerProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ShimSupervisor.class);
    private static final long START_TIMEOUT_SECONDS = 60;

    /** What the shim said before "pid" when it could not even create the container. */
    public record Launch(Process process, BufferedReader events, long pid) {}

    private final String id;
    private final Process shim;
    private final long pid;
    private final Cgroup cgroup;
    private final Runnable afterExit;
    private final UnaryOperator<String> explainError;
    private final OutputStream control;
    private final CompletableFuture<String> started = new CompletableFuture<>();
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private final Path exitFile;
    private volatile String error;
    private volatile int errorCode;

    /**
     * @param exitFile     where the shim also writes the exit, for a daemon that reattaches; null for none
     * @param afterExit    runs once the container has exited and OOM has been read (removes the cgroup)
     * @param explainError turns the shim's error text into the message to show (external
     *                     runtimes put theirs in a log file)
     */
    public ShimSupervisor(
            String id,
            Launch launch,
            Cgroup cgroup,
            Path exitFile,
            Runnable afterExit,
            UnaryOperator<String> explainError) {
        this.id = id;
        this.shim = launch.process();
        this.pid = launch.pid();
        this.cgroup = cgroup;
        this.exitFile = exitFile;
        this.afterExit = afterExit;
        this.explainError = explainError;
        this.control = shim.getOutputStream();
        // a platform thread: the read blocks in native code for the container's whole life
        Thread.ofPlatform().daemon().name("shim-" + id).start(() -> readEvents(launch.events()));
    }

    /** Starts the shim and waits for the pid of the container's first process. */
    public static Launch launch(Path shimBinary, Path planFile, Path shimLog) {
        return launch(shimBinary, planFile, shimLog, null);
    }

    /**
     * As {@link #launch(Path, Path, Path)}, with a control fifo (made here) on which the shim also
     * takes commands: how a daemon that reattaches after a crash reaches it.
     */
    public static Launch launch(Path shimBinary, Path planFile, Path shimLog, Path controlFifo) {
        List<String> command =
                new java.util.ArrayList<>(List.of(SealedShim.of(shimBinary).toString()));
        if (controlFifo != null) {
            try {
                Files.deleteIfExists(controlFifo);
            } catch (IOException e) {
                throw BerthException.unavailable("cannot remove %s: %s", controlFifo, e.getMessage());
            }
            dev.berth.core.sys.Libc.mkfifo(controlFifo, 0600);
            command.addAll(List.of("--control", controlFifo.toString()));
        }
        command.add(planFile.toString());
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(shimLog.toFile()));
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw BerthException.unavailable("cannot run %s: %s", shimBinary, e.getMessage());
        }
        BufferedReader events =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String error = null;
        try {
            for (String line; (line = events.readLine()) != null; ) {
                if (line.startsWith("pid ")) {
                    return new Launch(
                            process, events, Long.parseLong(line.substring(4).trim()));
                }
                if (line.startsWith("error ")) {
                    error = line.substring(6);
                }
            }
        } catch (IOException e) {
            error = e.getMessage();
        }
        process.destroyForcibly();
        throw new BerthException(
                ErrorKind.INTERNAL,
                "runtime failed to create the container: "
                        + (error == null ? "shim exited without a pid" : messageOf(error)));
    }

    /** "CODE MESSAGE" → MESSAGE. */
    static String messageOf(String codeAndMessage) {
        int space = codeAndMessage.indexOf(' ');
        return space < 0 ? codeAndMessage : codeAndMessage.substring(space + 1);
    }

    private static int codeOf(String codeAndMessage) {
        try {
            int space = codeAndMessage.indexOf(' ');
            return Integer.parseInt(space < 0 ? codeAndMessage : codeAndMessage.substring(0, space));
        } catch (NumberFormatException e) {
            return 128;
        }
    }

    private void readEvents(BufferedReader events) {
        String last = null;
        try {
            for (String line; (line = events.readLine()) != null; ) {
                if (line.equals("started")) {
                    started.complete(null);
                } else if (line.startsWith("error ")) {
                    String raw = line.substring(6);
                    error = explainError.apply(messageOf(raw));
                    errorCode = codeOf(raw);
                    started.complete(error);
                } else if (line.startsWith("exit ") || line.startsWith("signal ")) {
                    last = line;
                }
            }
        } catch (IOException e) {
            LOG.debug("shim {} events: {}", id, e.getMessage());
        }
        if (last == null) {
            last = readExitFile();
        }
        finish(last);
    }

    private String readExitFile() {
        if (exitFile == null) {
            return null;
        }
        try {
            shim.waitFor(5, TimeUnit.SECONDS);
            if (Files.exists(exitFile)) {
                return Files.readString(exitFile).trim();
            }
        } catch (IOException e) {
            LOG.warn("cannot read exit file {}: {}", exitFile, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private void finish(String line) {
        ExitStatus status;
        boolean oom = false;
        try {
            oom = cgroup != null && cgroup.exists() && cgroup.oomKilled();
        } catch (RuntimeException e) {
            LOG.warn("container {}: reading OOM state: {}", id, e.getMessage());
        }
        if (line == null) {
            status = ExitStatus.exited(
                    255, oom, error != null ? error : "the shim died without reporting an exit status");
        } else if (line.startsWith("signal ")) {
            status = ExitStatus.killed(Integer.parseInt(line.substring(7).trim()), oom);
        } else {
            int code = Integer.parseInt(line.substring(5).trim());
            if (error != null && errorCode != 0) {
                code = errorCode;
            }
            status = ExitStatus.exited(code, oom, error);
        }
        try {
            afterExit.run();
        } catch (RuntimeException e) {
            LOG.warn("container {}: cleanup after exit: {}", id, e.getMessage());
        }
        started.complete("container exited before it started");
        exit.complete(status);
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
        return shim.pid();
    }

    @Override
    public void start() {
        send("go");
        String failure;
        try {
            failure = started.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            kill(9);
            throw BerthException.unavailable("container %s did not start within %d s", id, START_TIMEOUT_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BerthException.unavailable("interrupted starting container %s", id);
        } catch (ExecutionException e) {
            throw BerthException.internal("starting container " + id, e.getCause());
        }
        if (failure != null) {
            // Docker answers a command that cannot run with 400 and the runtime's message
            int code = errorCode;
            ErrorKind kind = code == 126 || code == 127 ? ErrorKind.INVALID_ARGUMENT : ErrorKind.INTERNAL;
            throw new BerthException(kind, failure);
        }
    }

    @Override
    public CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    /**
     * A shim that is gone has reaped the container (it outlives it): a signal finds nothing to
     * reach, and the exit is on its way through the shim's events. Only a shim that is gone
     * without its exit following is an error (a forced rm racing the exit got a 503 here).
     */
    @Override
    public void kill(int signal) {
        if (exit.isDone()) {
            return;
        }
        try {
            send("kill " + signal);
        } catch (BerthException e) {
            try {
                exit.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw e;
            } catch (ExecutionException | TimeoutException notExited) {
                throw e;
            }
        }
    }

    @Override
    public void closeStdin() {
        if (!exit.isDone()) {
            try {
                send("closestdin");
            } catch (BerthException e) {
                LOG.debug("container {}: closing stdin: {}", id, e.getMessage());
            }
        }
    }

    @Override
    public void resize(int rows, int cols) {
        send("resize " + rows + " " + cols);
    }

    @Override
    public Cgroup cgroup() {
        return cgroup;
    }

    @Override
    public void delete() {
        if (!exit.isDone()) {
            throw BerthException.conflict("container %s is still running", id);
        }
    }

    private synchronized void send(String command) {
        try {
            control.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
            control.flush();
        } catch (IOException e) {
            if (!exit.isDone()) {
                throw BerthException.unavailable("shim of container %s is gone: %s", id, e.getMessage());
            }
        }
    }

    /** For tests and stats: the shim's resident set in kB (VmRSS). */
    public static long residentKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(
                            List.of(line.substring(6).trim().split("\\s+")).getFirst());
                }
            }
        } catch (IOException e) {
            throw BerthException.notFound("no process %d", pid);
        }
        return -1;
    }
}
