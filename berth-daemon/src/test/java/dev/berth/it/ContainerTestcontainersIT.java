package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Testcontainers against a Berth daemon: GenericContainer, log wait strategy, exec, copy in and out. */
class ContainerTestcontainersIT {
    @Test
    void genericContainerStartsExecsAndCopiesFiles() {
        try (BerthDaemon daemon = BerthDaemon.start()) {
            daemon.bootstrapBusybox();
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    TestcontainersScenario.class.getName(),
                    daemon.scratch().toString()));
            CommandResult r = Commands.run(
                    command,
                    Map.of(
                            "DOCKER_HOST", daemon.host(),
                            "TESTCONTAINERS_RYUK_DISABLED", "true",
                            "TESTCONTAINERS_CHECKS_DISABLE", "true",
                            // no bridge network yet (the networking issue): the host is loopback
                            "TESTCONTAINERS_HOST_OVERRIDE", "localhost",
                            "HOME", daemon.scratch().toString()),
                    null);
            assertThat(r.stdout())
                    .as(r + "\ndaemon log:\n" + tail(daemon.logText()))
                    .contains("SCENARIO OK");
            assertThat(daemon.docker("ps", "-aq").ok()).isEmpty();
        }
    }

    private static String tail(String log) {
        return log.length() > 8000 ? log.substring(log.length() - 8000) : log;
    }
}
