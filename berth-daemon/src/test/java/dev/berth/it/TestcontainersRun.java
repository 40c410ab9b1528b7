package dev.berth.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs a Testcontainers scenario (a class with a {@code main}) in its own JVM against a Berth daemon:
 * Testcontainers reads DOCKER_HOST once per JVM, so each daemon needs a fresh one.
 */
final class TestcontainersRun {
    private TestcontainersRun() {}

    static CommandResult scenario(BerthDaemon daemon, Class<?> scenario) {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                scenario.getName(),
                daemon.scratch().toString());
        return Commands.run(
                command,
                Map.of(
                        "DOCKER_HOST", daemon.host(),
                        "TESTCONTAINERS_RYUK_DISABLED", "true",
                        "TESTCONTAINERS_CHECKS_DISABLE", "true",
                        // published ports are reached on loopback, as the daemon runs on this host
                        "TESTCONTAINERS_HOST_OVERRIDE", "localhost",
                        "HOME", daemon.scratch().toString()),
                null);
    }
}
