package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.testing.Prerequisites;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Docker's default seccomp profile, under Berth's own runtime and under runc and crun: the calls
 * the security review reached inside a default container (keyctl, add_key, request_key, a new
 * user namespace by unshare or clone, perf_event_open, userfaultfd, kexec_load, io_uring_setup,
 * lookup_dcookie) are refused, clone3 answers ENOSYS. A static probe (seccomp-probe.c) makes the
 * calls. A profile file in Docker's format works too; the same profile with another default errno
 * shows that it is the filter, not the kernel, that refuses each call.
 */
class SeccompIT {
    private static final List<String> BLOCKED = List.of(
            "keyctl",
            "add_key",
            "request_key",
            "unshare",
            "clone",
            "perf_event_open",
            "userfaultfd",
            "kexec_load",
            "io_uring_setup",
            "lookup_dcookie");
    private static final int EPERM = 1;
    private static final int ENOSYS = 38;
    private static final int MARK = 71; // EPROTO: no kernel path answers these calls with it

    private static BerthDaemon daemon;
    private static Path probe;
    private static Path marked;

    @BeforeAll
    static void startDaemon() throws Exception {
        Prerequisites.requireProgram("gcc", "apt-get install gcc libc6-dev");
        daemon = BerthDaemon.start();
        daemon.bootstrapBusybox();
        probe = daemon.scratch().resolve("probe");
        Path source = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources/seccomp-probe.c");
        Commands.run(List.of("gcc", "-static", "-O2", "-o", probe.toString(), source.toString()), Map.of(), null)
                .ok();
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = SeccompIT.class.getResourceAsStream("/dev/berth/runtime/seccomp/default.json")) {
            ObjectNode profile = (ObjectNode) json.readTree(in);
            profile.put("defaultErrnoRet", MARK);
            marked = daemon.scratch().resolve("marked.json");
            json.writeValue(marked.toFile(), profile);
        }
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.removeAllContainers();
            daemon.close();
        }
    }

    /** What each call of the probe gave, run with {@code options} before the image. */
    private static Map<String, Integer> probe(String... options) {
        List<String> args = new ArrayList<>(List.of("run", "--rm", "-v", probe + ":/probe:ro"));
        args.addAll(List.of(options));
        args.addAll(List.of("busybox", "/probe"));
        Map<String, Integer> result = new LinkedHashMap<>();
        for (String line : daemon.docker(args.toArray(String[]::new)).ok().split("\n")) {
            String[] f = line.split(" ");
            result.put(f[0], Integer.parseInt(f[1]));
        }
        return result;
    }

    private static String status(String field, String... options) {
        List<String> args = new ArrayList<>(List.of("run", "--rm"));
        args.addAll(List.of(options));
        args.addAll(List.of("busybox", "grep", field + ":", "/proc/self/status"));
        return daemon.docker(args.toArray(String[]::new))
                .ok()
                .replaceAll("\\s+", " ")
                .trim();
    }

    @ParameterizedTest
    @ValueSource(strings = {"berth", "runc", "crun"})
    void theDefaultProfileRefusesWhatTheReviewReached(String runtime) {
        Map<String, Integer> r = probe("--runtime", runtime);
        for (String call : BLOCKED) {
            assertThat(r.get(call)).as("%s under %s", call, runtime).isEqualTo(EPERM);
        }
        assertThat(r.get("clone3")).isEqualTo(ENOSYS);
        assertThat(r.get("getpid")).isZero();
        assertThat(status("Seccomp", "--runtime", runtime)).isEqualTo("Seccomp: 2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"berth", "runc", "crun"})
    void aProfileFileInDockersFormatIsTheFilterThatRefusesEachCall(String runtime) {
        Map<String, Integer> r = probe("--runtime", runtime, "--security-opt", "seccomp=" + marked);
        for (String call : BLOCKED) {
            assertThat(r.get(call)).as("%s under %s", call, runtime).isEqualTo(MARK);
        }
        assertThat(r.get("getpid")).isZero();
    }

    @Test
    void unconfinedAndPrivilegedRunWithoutAFilter() {
        assertThat(status("Seccomp", "--security-opt", "seccomp=unconfined")).isEqualTo("Seccomp: 0");
        assertThat(status("Seccomp", "--privileged")).isEqualTo("Seccomp: 0");
        Map<String, Integer> r = probe("--security-opt", "seccomp=unconfined");
        // the same calls reach the kernel again
        assertThat(r.get("unshare")).isZero();
        assertThat(r.get("keyctl")).isZero();
        assertThat(r.get("io_uring_setup")).isZero();
    }

    @Test
    void noNewPrivilegesSetsTheFlagAndKeepsTheFilter() {
        assertThat(status("NoNewPrivs", "--security-opt", "no-new-privileges")).isEqualTo("NoNewPrivs: 1");
        assertThat(status("Seccomp", "--security-opt", "no-new-privileges")).isEqualTo("Seccomp: 2");
        assertThat(probe("--security-opt", "no-new-privileges").get("keyctl")).isEqualTo(EPERM);
        assertThat(status("NoNewPrivs")).isEqualTo("NoNewPrivs: 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"berth", "runc"})
    void execRunsUnderTheContainersFilter(String runtime) {
        String confined = daemon.docker(
                        "run", "-d", "--runtime", runtime, "-v", probe + ":/probe:ro", "busybox", "sleep", "60")
                .ok()
                .trim();
        String unconfined = daemon.docker(
                        "run",
                        "-d",
                        "--runtime",
                        runtime,
                        "--security-opt",
                        "seccomp=unconfined",
                        "-v",
                        probe + ":/probe:ro",
                        "busybox",
                        "sleep",
                        "60")
                .ok()
                .trim();
        try {
            assertThat(daemon.docker("exec", confined, "/probe").ok()).contains("keyctl 1\n", "unshare 1\n");
            assertThat(daemon.docker("exec", unconfined, "/probe").ok()).contains("keyctl 0\n", "unshare 0\n");
        } finally {
            daemon.docker("rm", "-f", confined, unconfined);
        }
    }

    @Test
    void infoShowsTheBuiltinProfile() {
        assertThat(daemon.docker("info", "--format", "{{json .SecurityOptions}}")
                        .ok())
                .contains("\"name=seccomp,profile=builtin\"");
        assertThat(daemon.docker("info").ok()).contains("seccomp").contains("Profile: builtin");
    }

    @Test
    void anUnknownSecurityOptionIsRefusedAtCreate() {
        CommandResult r = daemon.docker("run", "--rm", "--security-opt", "frobnicate=yes", "busybox", "true");
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stderr()).contains("invalid --security-opt 2: \"frobnicate=yes\"");
    }
}
