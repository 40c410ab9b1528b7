package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Restart policies, and a daemon killed with SIGKILL while containers run. */
class ContainerRestartIT {
    @Test
    void killedDaemonRestartsMarksContainersExitedAndBringsBackAlways() throws Exception {
        try (BerthDaemon daemon = BerthDaemon.start()) {
            daemon.bootstrapBusybox();
            daemon.docker("run", "-d", "--name", "always", "--restart", "always", "busybox", "sleep", "300").ok();
            daemon.docker("run", "-d", "--name", "plain", "busybox", "sleep", "300").ok();
            String oldPid = daemon.docker("inspect", "-f", "{{.State.Pid}}", "plain").ok().trim();

            daemon.kill();
            daemon.restart();

            assertThat(daemon.docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "plain").ok().trim())
                    .isEqualTo("exited 137");
            assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("/proc/" + oldPid))).isFalse();
            String status = "";
            for (int i = 0; i < 100 && !status.equals("running"); i++) {
                status = daemon.docker("inspect", "-f", "{{.State.Status}}", "always").ok().trim();
                Thread.sleep(100);
            }
            assertThat(status).isEqualTo("running");
            assertThat(daemon.docker("exec", "always", "true").exitCode()).isZero();
            daemon.docker("rm", "-f", "always", "plain").ok();
            assertThat(Mounts.under(daemon.dataRoot())).isEmpty();
        }
    }

    @Test
    void onFailureRestartsUpToTheLimit() throws Exception {
        try (BerthDaemon daemon = BerthDaemon.start()) {
            daemon.bootstrapBusybox();
            daemon.docker("run", "-d", "--name", "flaky", "--restart", "on-failure:2", "busybox", "sh", "-c",
                    "echo run; exit 1").ok();
            String state = "";
            for (int i = 0; i < 100; i++) {
                state = daemon.docker("inspect", "-f", "{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}", "flaky")
                        .ok().trim();
                if (state.equals("exited 2 1")) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(state).isEqualTo("exited 2 1");
            assertThat(daemon.docker("logs", "flaky").stdout()).isEqualTo("run\nrun\nrun\n");
            daemon.docker("rm", "-f", "flaky").ok();
        }
    }
}
