package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Testcontainers' networking against a Berth daemon: withExposedPorts, HTTP wait, getMappedPort, Network aliases. */
class NetworkTestcontainersIT {
    @Test
    void exposedPortsWaitStrategyMappedPortAndNetworkAliases() {
        try (BerthDaemon daemon = BerthDaemon.start()) {
            daemon.bootstrapBusybox();
            CommandResult r = TestcontainersRun.scenario(daemon, TestcontainersNetworkScenario.class);
            assertThat(r.stdout())
                    .as(r + "\ndaemon log:\n" + tail(daemon.logText()))
                    .contains("SCENARIO OK");
            assertThat(daemon.docker("ps", "-aq").ok()).isEmpty();
            assertThat(daemon.docker("network", "ls", "--filter", "type=custom", "-q")
                            .ok())
                    .isEmpty();
        }
    }

    private static String tail(String log) {
        return log.length() > 8000 ? log.substring(log.length() - 8000) : log;
    }
}
