package dev.berth.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The reference engine, Debian's dockerd (docker.io), on a private data root and socket with no
 * networking of its own, for interoperability tests (a tar saved by one engine loads into the other).
 */
public final class Dockerd implements AutoCloseable {
    private final Path dir;
    private final Process process;

    private Dockerd(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    public static Dockerd start() {
        Path dockerd = Files.isExecutable(Path.of("/usr/sbin/dockerd")) ? Path.of("/usr/sbin/dockerd")
                : Prerequisites.findOnPath("dockerd");
        Prerequisites.require(dockerd == null ? List.of("dockerd (apt-get install docker.io)") : List.of());
        try {
            Path dir = Files.createTempDirectory("berth-it-dockerd-");
            List<String> command = new ArrayList<>(List.of(dockerd.toString(),
                    "--data-root", dir.resolve("data").toString(), "--exec-root", dir.resolve("exec").toString(),
                    "-H", "unix://" + dir.resolve("docker.sock"), "--pidfile", dir.resolve("docker.pid").toString(),
                    "--bridge=none", "--iptables=false", "--ip6tables=false"));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("dockerd.log").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            Dockerd daemon = new Dockerd(dir, process);
            daemon.awaitReady();
            return daemon;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("dockerd exited:\n" + log());
            }
            if (Files.exists(dir.resolve("docker.sock")) && docker("version").exitCode() == 0) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("dockerd did not come up in 60s:\n" + log());
    }

    public CommandResult docker(String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return Commands.run(command, Map.of("DOCKER_HOST", "unix://" + dir.resolve("docker.sock"),
                "DOCKER_CONFIG", dir.resolve("docker-config").toString()), null);
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("dockerd.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Mounts.detachAllUnder(dir);
        Commands.run(List.of("rm", "-rf", dir.toString()), Map.of(), null);
    }
}
