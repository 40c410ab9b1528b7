package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Nothing of berth-shim's host side reaches into a container (the CVE-2019-5736 and CVE-2016-9962
 * classes): with --init, pid 1 (berth-shim's reaper) runs from a sealed copy, not from the host's
 * binary, and is not dumpable, so the container can neither name the host binary through
 * /proc/1/exe nor open pid 1's descriptors.
 */
class ShimExposureIT {
    private static BerthDaemon daemon;

    @BeforeAll
    static void startDaemon() {
        daemon = BerthDaemon.start();
        daemon.bootstrapBusybox();
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.removeAllContainers();
            daemon.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"berth", "runc", "crun"})
    void theInitIsASealedCopyTheContainerCannotOpen(String runtime) throws Exception {
        Path hostShim = Path.of(System.getProperty("basedir", "."))
                .resolve("../native/target/berth-shim")
                .normalize();
        String id = daemon.docker("run", "-d", "--init", "--runtime", runtime, "busybox", "sleep", "60")
                .ok()
                .trim();
        try {
            String pid =
                    daemon.docker("inspect", "-f", "{{.State.Pid}}", id).ok().trim();
            assertThat(Files.readSymbolicLink(Path.of("/proc", pid, "exe")).toString())
                    .as("pid 1 seen from the host")
                    .isEqualTo("/memfd:berth-shim (deleted)");
            CommandResult inside =
                    daemon.docker("exec", id, "sh", "-c", "readlink /proc/1/exe /proc/1/fd/1; cat /proc/1/environ");
            assertThat(inside.stdout()).doesNotContain(hostShim.toString()).doesNotContain("berth");
            assertThat(inside.stderr()).as(inside.toString()).contains("Permission denied");
        } finally {
            daemon.docker("rm", "-f", id);
        }
    }
}
