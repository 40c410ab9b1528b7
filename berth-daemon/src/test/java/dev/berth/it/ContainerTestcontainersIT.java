package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Testcontainers against a Berth daemon: GenericContainer, log wait strategy, exec, copy in and out. */
class ContainerTestcontainersIT {
    @Test
    void genericContainerStartsExecsAndCopiesFiles() {
        try (BerthDaemon daemon = BerthDaemon.start()) {
            daemon.bootstrapBusybox();
            CommandResult r = TestcontainersRun.scenario(daemon, TestcontainersScenario.class);
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
