package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A daemon SIGKILLed with containers on its networks, one of which ends while it is down: the
 * restarted daemon keeps the survivor's address, published port and DNS, releases the other's
 * lease, never hands out an address twice, and stops leaving nothing behind.
 */
class NetworkCrashIT {
    @Test
    void aRestartedDaemonKeepsSurvivorsAndReleasesTheRest() throws Exception {
        try (BerthDaemon daemon = BerthDaemon.start()) {
            daemon.bootstrapBusybox();
            daemon.docker("network", "create", "crash").ok();
            String keep = daemon.docker(
                            "run",
                            "-d",
                            "--name",
                            "keep",
                            "--network",
                            "crash",
                            "-p",
                            "127.0.0.1:45140:80",
                            "busybox",
                            "sh",
                            "-c",
                            "mkdir -p /www && echo survivor > /www/index.html && exec httpd -f -p 80 -h /www")
                    .ok()
                    .trim();
            String gone = daemon.docker("run", "-d", "--name", "gone", "--network", "crash", "busybox", "sleep", "600")
                    .ok()
                    .trim();
            String keepIp = ip(daemon, keep);
            String goneIp = ip(daemon, gone);
            long gonePid = Long.parseLong(
                    daemon.docker("inspect", "-f", "{{.State.Pid}}", gone).ok().trim());
            assertThat(NetworkDockerCliIT.httpGet(45140)).contains("survivor");

            daemon.kill();
            ProcessHandle.of(gonePid).ifPresent(ProcessHandle::destroyForcibly);
            daemon.restart();

            assertThat(daemon.docker("inspect", "-f", "{{.State.Status}}", keep)
                            .ok()
                            .trim())
                    .isEqualTo("running");
            assertThat(ip(daemon, keep)).isEqualTo(keepIp);
            assertThat(NetworkDockerCliIT.httpGet(45140)).contains("survivor");
            assertThat(daemon.docker("inspect", "-f", "{{.State.Status}}", gone)
                            .ok()
                            .trim())
                    .isEqualTo("exited");
            assertThat(ip(daemon, gone)).isEmpty();
            assertThat(daemon.docker("run", "--rm", "--network", "crash", "busybox", "nslookup", "keep")
                            .ok())
                    .contains(keepIp);
            String fresh = daemon.docker("run", "-d", "--network", "crash", "busybox", "sleep", "60")
                    .ok()
                    .trim();
            assertThat(ip(daemon, fresh)).isNotEqualTo(keepIp).isEqualTo(goneIp);

            daemon.docker("rm", "-f", fresh, gone, keep).ok();
            daemon.docker("network", "rm", "crash").ok();
            assertThat(NetworkDockerCliIT.iptablesSave()).doesNotContain("--dport 45140");
            assertThat(count(daemon, "SELECT count(*) FROM endpoints WHERE ip IS NOT NULL"))
                    .isZero();
            assertThat(count(daemon, "SELECT count(*) FROM port_mappings")).isZero();

            daemon.kill();
            daemon.restart();
            daemon.stop();
            assertThat(daemon.network().leftovers()).isEmpty();
        }
    }

    /** A count from the daemon's metadata.db, read beside it (WAL lets a reader in). */
    private static long count(BerthDaemon daemon, String sql) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(
                        "jdbc:sqlite:" + daemon.dataRoot().resolve("metadata.db"));
                var rs = c.createStatement().executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    private static String ip(BerthDaemon daemon, String container) {
        return daemon.docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container)
                .ok()
                .trim();
    }
}
