package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Testcontainers' {@code ImageFromDockerfile} (a Dockerfile from its DSL, and from files) against a Berth daemon. */
class BuildTestcontainersIT {
    @Test
    void imageFromDockerfileBuildsAndRuns() {
        try (BerthDaemon daemon = BerthDaemon.start()) {
            daemon.bootstrapBusybox();
            CommandResult r = TestcontainersRun.scenario(daemon, BuildTestcontainersScenario.class);
            assertThat(r.stdout()).as(r.toString()).contains("SCENARIO OK");
            assertThat(daemon.docker("images", "--format", "{{.Repository}}").ok())
                    .contains("tc-dsl", "tc-files");
            assertThat(daemon.docker("ps", "-aq").ok()).isEmpty();
        }
    }
}
