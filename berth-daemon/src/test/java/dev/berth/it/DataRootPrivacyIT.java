package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The data root and exec root are root's alone: an unprivileged host user (uid 65534, as
 * {@code setpriv} makes one) reads no container's environment, log, spec or plan, nor the
 * metadata database, and cannot run a setuid-root file a container wrote into its writable layer
 * (CVE-2021-41091). The daemon's directory itself is left open (0755), as /var/lib is: only the
 * roots' own modes stand in the way.
 */
class DataRootPrivacyIT {
    private static BerthDaemon daemon;

    @BeforeAll
    static void startDaemon() throws IOException {
        daemon = BerthDaemon.start();
        daemon.bootstrapBusybox();
        Files.setPosixFilePermissions(daemon.dataRoot().getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.removeAllContainers();
            daemon.close();
        }
    }

    /** Runs {@code script} as uid and gid 65534 with no supplementary groups. */
    private static CommandResult asNobody(String script) {
        return Commands.run(
                List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-c", script),
                Map.of(),
                null);
    }

    @Test
    void anUnprivilegedUserReachesNoContainersSecretsAndRunsNoSetuidFileOfIt() throws Exception {
        String id = daemon.docker(
                        "run",
                        "-d",
                        "-e",
                        "PASSWORD=hunter2-env",
                        "busybox",
                        "sh",
                        "-c",
                        "cp /bin/busybox /suid && chmod 4755 /suid && echo hunter2-log && sleep 60")
                .ok()
                .trim();
        try {
            for (int i = 0; i < 50 && !daemon.docker("logs", id).stdout().contains("hunter2-log"); i++) {
                Thread.sleep(100);
            }
            Path data = daemon.dataRoot();
            Path exec = daemon.execRoot();
            Path suid;
            try (Stream<Path> files = Files.walk(data.resolve("snapshots"))) {
                suid = files.filter(p -> p.getFileName().toString().equals("suid"))
                        .findFirst()
                        .orElseThrow();
            }
            assertThat(asNobody("id -u").ok().trim()).isEqualTo("65534");
            List<Path> secrets = List.of(
                    data.resolve("metadata.db"),
                    data.resolve("metadata.db-wal"),
                    data.resolve("containers").resolve(id).resolve("config.json"),
                    data.resolve("containers").resolve(id).resolve(id + "-json.log"),
                    exec.resolve("containers").resolve(id).resolve("state/config.json"),
                    exec.resolve("containers").resolve(id).resolve("state/plan"));
            for (Path secret : secrets) {
                assertThat(secret).exists();
                CommandResult read = asNobody("cat " + secret);
                assertThat(read.exitCode()).as("cat %s as uid 65534", secret).isNotZero();
                assertThat(read.stdout()).doesNotContain("hunter2");
            }
            CommandResult grep = asNobody("grep -r hunter2 " + data + " " + exec);
            assertThat(grep.stdout()).isEmpty();
            CommandResult setuid = asNobody(suid + " id -u");
            assertThat(setuid.exitCode()).as("run the container's setuid file").isNotZero();
            assertThat(setuid.stdout()).doesNotContain("0");

            assertThat(mode(data)).isEqualTo("rwx------");
            assertThat(mode(exec)).isEqualTo("rwx------");
            for (Path secret : secrets) {
                assertThat(mode(secret)).as("%s", secret).isEqualTo("rw-------");
            }
        } finally {
            daemon.docker("rm", "-f", id);
        }
    }

    @Test
    void rootsAnOlderBerthLeftOpenAreClosedAtStartUp() throws Exception {
        daemon.stop();
        for (Path root : List.of(daemon.dataRoot(), daemon.execRoot())) {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(
                daemon.dataRoot().resolve("metadata.db"), PosixFilePermissions.fromString("rw-r--r--"));
        daemon.restart();
        assertThat(mode(daemon.dataRoot())).isEqualTo("rwx------");
        assertThat(mode(daemon.execRoot())).isEqualTo("rwx------");
        assertThat(mode(daemon.dataRoot().resolve("metadata.db"))).isEqualTo("rw-------");
        assertThat(asNobody("ls " + daemon.dataRoot()).exitCode()).isNotZero();
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
