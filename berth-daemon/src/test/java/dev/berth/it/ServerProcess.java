package dev.berth.it;

import dev.berth.testing.MountTable;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A server a test runs as a child process (dockerd, a registry, a Berth daemon): no stdin, its
 * output appended to a log file that failures quote, started only once a probe says it answers,
 * stopped with SIGTERM and, after a grace period, SIGKILL. Its working directory belongs to the
 * fixture that made it, which removes it with {@link #removeDir}.
 */
final class ServerProcess {
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final String name;
    private final Path log;
    private final Process process;

    private ServerProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts {@code command} and waits until {@code answers} is true. A server that exits first, or
     * does not answer within {@code timeout}, is killed and fails the test with its log.
     */
    static ServerProcess start(String name, List<String> command, Path log, Duration timeout, BooleanSupplier answers) {
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerProcess server = new ServerProcess(name, log, process);
        try {
            server.awaitAnswer(timeout, answers);
        } catch (AssertionError e) {
            // a server that never became ready must not outlive the test
            server.kill();
            throw e;
        }
        return server;
    }

    private void awaitAnswer(Duration timeout, BooleanSupplier answers) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + log());
            }
            if (answers.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        throw new AssertionError(name + " did not answer within " + timeout.toSeconds() + "s:\n" + log());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, and SIGKILL if it has not exited after 30 s. */
    void stop() {
        process.destroy();
        waitForExit();
    }

    /** SIGKILL: nothing of the server gets to clean up. */
    void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the server has written so far. */
    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no " + name + " log)";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /**
     * Unmounts whatever the server left mounted under {@code dir}, then deletes it. Best effort: a
     * file that cannot be deleted must not hide the test's own result.
     */
    static void removeDir(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        MountTable.detachAllUnder(dir);
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // best effort, see above
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort, see above
        }
    }
}
