package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Nothing of berth-shim's host side reaches into a container (the CVE-2019-5736 and CVE-2016-9962
 * classes): with --init, pid 1 (berth-shim's reaper) runs from a sealed copy, not from the host's
 * binary, and is not dumpable, so the container can neither name the host binary through
 * /proc/1/exe nor open pid 1's descriptors; an exec's child is not dumpable until its command
 * runs; and the container's stdio are pipes, never the daemon's fifos.
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
            assertThat(exeOnceSettled(pid)).as("pid 1 seen from the host").isEqualTo("/memfd:berth-shim (deleted)");
            CommandResult inside =
                    daemon.docker("exec", id, "sh", "-c", "readlink /proc/1/exe /proc/1/fd/1; cat /proc/1/environ");
            assertThat(inside.stdout()).doesNotContain(hostShim.toString()).doesNotContain("berth");
            assertThat(inside.stderr()).as(inside.toString()).contains("Permission denied");
        } finally {
            daemon.docker("rm", "-f", id);
        }
    }

    /**
     * The exe of {@code pid} once it has re-executed itself: under runc and crun the init starts
     * from its read-only bind, /dev/berth-init (no write reaches the host's file through it), and
     * copies itself a moment later, after `docker run -d` may have returned.
     */
    private static String exeOnceSettled(String pid) throws Exception {
        Path exe = Path.of("/proc", pid, "exe");
        long deadline = System.nanoTime() + 10_000_000_000L;
        String seen = Files.readSymbolicLink(exe).toString();
        while (seen.equals("/dev/berth-init") && System.nanoTime() < deadline) {
            Thread.sleep(20);
            seen = Files.readSymbolicLink(exe).toString();
        }
        return seen;
    }

    /** Every shim of a daemon runs from the daemon's one sealed copy: their pages are shared, not copied per container. */
    @Test
    void theShimsOfADaemonShareOneSealedCopy() throws Exception {
        String a = daemon.docker("run", "-d", "busybox", "sleep", "60").ok().trim();
        String b = daemon.docker("run", "-d", "busybox", "sleep", "60").ok().trim();
        try {
            assertThat(shimExe(a)).as("the shim's exe").isEqualTo(shimExe(b));
        } finally {
            daemon.docker("rm", "-f", a, b);
        }
    }

    /** The shim of a container (the parent of its first process) as (path, inode) of its exe. */
    private static String shimExe(String id) throws Exception {
        String pid = daemon.docker("inspect", "-f", "{{.State.Pid}}", id).ok().trim();
        long shim = ProcessHandle.of(Long.parseLong(pid))
                .orElseThrow()
                .parent()
                .orElseThrow()
                .pid();
        Path exe = Path.of("/proc", Long.toString(shim), "exe");
        return Files.readSymbolicLink(exe) + " inode " + Files.getAttribute(exe, "unix:ino");
    }

    /**
     * A descriptor naming a host path shows in /proc/self/fd, and the container could chmod the
     * daemon's fifo or open it afresh through it: stdin, stdout and stderr are pipes, in a run and
     * in an exec, with -i and without.
     */
    @ParameterizedTest
    @ValueSource(strings = {"berth", "runc", "crun"})
    void theContainersStdioArePipesNotTheDaemonsFifos(String runtime) throws Exception {
        String show = "for f in 0 1 2; do readlink /proc/self/fd/$f; done";
        Path input = Files.writeString(daemon.scratch().resolve("input"), "x\n");
        assertThat(daemon.docker("run", "--rm", "--runtime", runtime, "busybox", "sh", "-c", show)
                        .ok())
                .as("run")
                .matches("(pipe:\\[\\d+]\n){3}");
        assertThat(daemon.dockerWithInput(input, "run", "--rm", "-i", "--runtime", runtime, "busybox", "sh", "-c", show)
                        .ok())
                .as("run -i")
                .matches("(pipe:\\[\\d+]\n){3}");
        String id = daemon.docker("run", "-d", "--runtime", runtime, "busybox", "sleep", "60")
                .ok()
                .trim();
        try {
            assertThat(daemon.docker("exec", id, "sh", "-c", show).ok())
                    .as("exec")
                    .matches("(pipe:\\[\\d+]\n){3}");
            assertThat(daemon.dockerWithInput(input, "exec", "-i", id, "sh", "-c", show + "; cat")
                            .ok())
                    .as("exec -i")
                    .matches("(pipe:\\[\\d+]\n){3}x\n");
        } finally {
            daemon.docker("rm", "-f", id);
        }
    }

    /**
     * CVE-2019-5736 as its exploit ran it: a container process watches /proc for the runtime's
     * process while `docker exec` runs a {@code #!/proc/self/exe} script, and tries to write
     * through each process's exe and to list each process's descriptors. The exec's child is not
     * dumpable until its command runs, and its exe is a sealed copy: nothing is written, nothing
     * of the host is listed, and the host's berth-shim is unchanged.
     */
    @Test
    void aContainerWatchingExecsReachesNeitherTheShimBinaryNorItsDescriptors() throws Exception {
        Path hostShim = Path.of(System.getProperty("basedir", "."))
                .resolve("../native/target/berth-shim")
                .normalize();
        String before = sha256(hostShim);
        String watch = "printf '#!/proc/self/exe\\n' > /x; chmod +x /x; touch /hits; while :; do"
                + " for p in /proc/[0-9]*; do"
                + " [ $p = /proc/$$ ] && continue;"
                + " (echo PWNED >> $p/exe) 2>/dev/null && echo \"wrote $p/exe\" >> /hits;"
                + " ls -l $p/fd/ 2>/dev/null | grep -e /tmp -e /run -e berth >> /hits;"
                + " done; done";
        String id =
                daemon.docker("run", "-d", "busybox", "sh", "-c", watch).ok().trim();
        try {
            for (int i = 0; i < 30; i++) {
                daemon.docker("exec", id, "/x"); // the copy of berth-shim fails on its own: no plan
                daemon.docker("exec", id, "true");
            }
            assertThat(daemon.docker("exec", id, "cat", "/hits").ok())
                    .as("what the container reached")
                    .isEmpty();
        } finally {
            daemon.docker("rm", "-f", id);
        }
        assertThat(sha256(hostShim)).as("the host's berth-shim").isEqualTo(before);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
