package dev.berth.it;

import dev.berth.testing.Prerequisites;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The reference engine, Debian's dockerd (docker.io), on a private data root and socket with no
 * networking of its own, for interoperability tests (a tar saved by one engine loads into the other).
 */
public final class Dockerd implements AutoCloseable {
    private final Path dir;
    private final ServerProcess process;

    private Dockerd(Path dir, ServerProcess process) {
        this.dir = dir;
        this.process = process;
    }

    public static Dockerd start() {
        Path dockerd = Files.isExecutable(Path.of("/usr/sbin/dockerd"))
                ? Path.of("/usr/sbin/dockerd")
                : Prerequisites.findOnPath("dockerd");
        Prerequisites.require(dockerd == null ? List.of("dockerd (apt-get install docker.io)") : List.of());
        Path dir;
        try {
            dir = Files.createTempDirectory("berth-it-dockerd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = List.of(
                dockerd.toString(),
                "--data-root",
                dir.resolve("data").toString(),
                "--exec-root",
                dir.resolve("exec").toString(),
                "-H",
                "unix://" + dir.resolve("docker.sock"),
                "--pidfile",
                dir.resolve("docker.pid").toString(),
                "--bridge=none",
                "--iptables=false",
                "--ip6tables=false");
        ServerProcess process = ServerProcess.start(
                "dockerd",
                command,
                dir.resolve("dockerd.log"),
                Duration.ofSeconds(60),
                () -> Files.exists(dir.resolve("docker.sock"))
                        && docker(dir, "version").exitCode() == 0);
        return new Dockerd(dir, process);
    }

    public CommandResult docker(String... args) {
        return docker(dir, args);
    }

    private static CommandResult docker(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return Commands.run(
                command,
                Map.of(
                        "DOCKER_HOST",
                        "unix://" + dir.resolve("docker.sock"),
                        "DOCKER_CONFIG",
                        dir.resolve("docker-config").toString()),
                null);
    }

    @Override
    public void close() {
        process.stop();
        ServerProcess.removeDir(dir);
    }
}
