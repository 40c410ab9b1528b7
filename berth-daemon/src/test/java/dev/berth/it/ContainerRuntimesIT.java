package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.testing.MountTable;
import dev.berth.testing.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code docker run --runtime berth|runc|crun}: the same spec through Berth's shim and through the
 * installed OCI runtimes, and the same container lifecycle seen through the docker CLI under each.
 */
class ContainerRuntimesIT {
    private static BerthDaemon daemon;

    @BeforeAll
    static void startDaemon() {
        Prerequisites.requirePrograms("runc", "crun");
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

    private static CommandResult docker(String... args) {
        return daemon.docker(args);
    }

    @Test
    void infoListsEveryRuntimeAndTheDefault() {
        String info = docker("info", "--format", "{{json .Runtimes}} {{.DefaultRuntime}}")
                .ok()
                .trim();
        assertThat(info).contains("\"berth\"", "\"runc\"", "\"crun\"").endsWith(" berth");
        assertThat(docker("info").ok()).contains("Runtimes:").contains("runc").contains("Default Runtime: berth");
    }

    @Test
    void unknownRuntimeIsRefusedWithDockersMessage() {
        CommandResult r = docker("run", "--rm", "--runtime", "nosuch", "busybox", "true");
        assertThat(r.exitCode()).isEqualTo(125);
        assertThat(r.stderr()).contains("Error response from daemon: unknown or invalid runtime name: nosuch");
    }

    @Test
    void withoutRuntimeTheDefaultIsRecorded() {
        String id = docker("create", "busybox", "true").ok().trim();
        try {
            assertThat(docker("inspect", "-f", "{{.HostConfig.Runtime}}", id)
                            .ok()
                            .trim())
                    .isEqualTo("berth");
        } finally {
            docker("rm", id);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"berth", "runc", "crun"})
    void runGivesOutputExitCodesAndTheRuntimeInInspect(String runtime) {
        CommandResult r = docker(
                "run",
                "--name",
                "exit-" + runtime,
                "--runtime",
                runtime,
                "busybox",
                "sh",
                "-c",
                "echo out; echo err >&2; hostname; exit 3");
        try {
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
            assertThat(r.stdout()).startsWith("out\n");
            assertThat(r.stderr()).contains("err\n");
            assertThat(docker(
                                    "inspect",
                                    "-f",
                                    "{{.HostConfig.Runtime}} {{.State.Status}} {{.State.ExitCode}}",
                                    "exit-" + runtime)
                            .ok()
                            .trim())
                    .isEqualTo(runtime + " exited 3");
        } finally {
            docker("rm", "-f", "exit-" + runtime);
        }
        CommandResult missing = docker("run", "--rm", "--runtime", runtime, "busybox", "nosuch");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(127);
        assertThat(missing.stderr()).contains("exec: \"nosuch\": executable file not found in $PATH");
        CommandResult isolated = docker(
                "run",
                "--rm",
                "--runtime",
                runtime,
                "--hostname",
                "boxy",
                "busybox",
                "sh",
                "-c",
                "hostname; ps > /tmp/ps; grep -c . /tmp/ps; ls /sys/class/net");
        // header, sh, ps; the default bridge's eth0 and lo
        assertThat(isolated.stdout()).as(isolated.toString()).isEqualTo("boxy\n3\neth0\nlo\n");
    }

    /**
     * Every argument and variable reaches the command, with and without --init (berth-shim's
     * reaper runs it under runc and crun): the shim once kept only the first 255 arguments and
     * 511 variables, silently.
     */
    @ParameterizedTest
    @ValueSource(strings = {"berth", "runc", "crun"})
    void threeHundredArgumentsAndSixHundredVariablesAllArrive(String runtime) {
        for (boolean init : new boolean[] {false, true}) {
            List<String> command = new ArrayList<>(List.of("run", "--rm", "--runtime", runtime));
            if (init) {
                command.add("--init");
            }
            for (int i = 1; i <= 600; i++) {
                command.addAll(List.of("-e", "V" + i + "=" + i));
            }
            command.addAll(List.of(
                    "busybox",
                    "sh",
                    "-c",
                    "echo $#; for a; do last=$a; done; echo $last; env | grep -c '^V[0-9]'; echo $V600",
                    "sh"));
            for (int i = 1; i <= 300; i++) {
                command.add("a" + i);
            }
            assertThat(docker(command.toArray(String[]::new)).ok())
                    .as("%s, init %s", runtime, init)
                    .isEqualTo("300\na300\n600\n600\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"berth", "runc", "crun"})
    void detachedLogsExecAndCp(String runtime) throws Exception {
        String id = docker(
                        "run",
                        "-d",
                        "--runtime",
                        runtime,
                        "busybox",
                        "sh",
                        "-c",
                        "echo one; echo made > /made; exec sleep 60")
                .ok()
                .trim();
        try {
            CommandResult exec = docker(
                    "exec",
                    "-e",
                    "FOO=bar",
                    "-w",
                    "/tmp",
                    "-u",
                    "nobody",
                    id,
                    "sh",
                    "-c",
                    "echo $FOO; pwd; id -u; cat /proc/1/cmdline | tr '\\0' ' '");
            assertThat(exec.exitCode()).as(exec.toString()).isZero();
            assertThat(exec.stdout()).isEqualTo("bar\n/tmp\n65534\nsleep 60 ");
            assertThat(docker("exec", id, "sh", "-c", "exit 5").exitCode()).isEqualTo(5);
            assertThat(docker("logs", id).stdout()).isEqualTo("one\n");

            Path in = daemon.scratch().resolve("to-" + runtime + ".txt");
            Files.writeString(in, "from-host\n");
            docker("cp", in.toString(), id + ":/tmp/").ok();
            assertThat(docker("exec", id, "cat", "/tmp/to-" + runtime + ".txt").ok())
                    .isEqualTo("from-host\n");
            Path out = daemon.scratch().resolve("made-" + runtime);
            docker("cp", id + ":/made", out.toString()).ok();
            assertThat(Files.readString(out)).isEqualTo("made\n");

            assertThat(docker("top", id).ok()).contains("sleep 60");
            assertThat(docker("stats", "--no-stream", "--format", "{{.ID}} {{.PIDs}}", id)
                            .ok()
                            .trim())
                    .isEqualTo(id.substring(0, 12) + " 1");
        } finally {
            docker("rm", "-f", id);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"berth", "runc", "crun"})
    void interactiveTerminalThroughScript(String runtime) throws Exception {
        Path input = daemon.scratch().resolve("tty-" + runtime + ".sh");
        Files.writeString(
                input,
                "#!/bin/sh\n(sleep 2; printf 'tty; echo inside-$((6*7))\\n'; sleep 1; printf 'exit 4\\n') | "
                        + "script -qec 'docker run -it --rm --runtime " + runtime + " busybox sh' /dev/null\n");
        CommandResult r = Commands.run(List.of("sh", input.toString()), Map.of("DOCKER_HOST", daemon.host()), null);
        assertThat(r.stdout()).as(r.toString()).contains("/dev/pts/0").contains("inside-42");
        assertThat(r.exitCode()).isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"berth", "runc", "crun"})
    void initReapsAndForwardsSignals(String runtime) {
        CommandResult r =
                docker("run", "--rm", "--init", "--runtime", runtime, "busybox", "sh", "-c", "echo $$; exit 6");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(6);
        assertThat(r.stdout())
                .as("the command is not pid 1")
                .isNotEqualTo("1\n")
                .matches("\\d+\n");
        String id = docker("run", "-d", "--init", "--runtime", runtime, "busybox", "sleep", "600")
                .ok()
                .trim();
        try {
            long t0 = System.nanoTime();
            docker("stop", "-t", "10", id).ok();
            assertThat((System.nanoTime() - t0) / 1_000_000)
                    .as("SIGTERM reached sleep through the reaper")
                    .isLessThan(5000L);
            assertThat(docker("inspect", "-f", "{{.State.ExitCode}}", id).ok().trim())
                    .isEqualTo("143");
        } finally {
            docker("rm", "-f", id);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"berth", "runc", "crun"})
    void memoryLimitOomKillsAndPidsLimitStopsForks(String runtime) {
        String name = "oom-" + runtime;
        CommandResult r = docker(
                "run",
                "--name",
                name,
                "--runtime",
                runtime,
                "--memory",
                "16m",
                "--memory-swap",
                "16m",
                "busybox",
                "sh",
                "-c",
                "x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done");
        try {
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(137);
            assertThat(docker("inspect", "-f", "{{.State.OOMKilled}} {{.State.ExitCode}}", name)
                            .ok()
                            .trim())
                    .isEqualTo("true 137");
        } finally {
            docker("rm", "-f", name);
        }
        CommandResult forks = docker(
                "run",
                "--rm",
                "--runtime",
                runtime,
                "--pids-limit",
                "8",
                "busybox",
                "sh",
                "-c",
                "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 3 & done; wait; echo done");
        assertThat(forks.stdout() + forks.stderr()).containsIgnoringCase("fork");
    }

    @ParameterizedTest
    @ValueSource(strings = {"berth", "runc", "crun"})
    void followedLogsEndWhenTheContainerExits(String runtime) {
        String id = docker(
                        "run",
                        "-d",
                        "--runtime",
                        runtime,
                        "busybox",
                        "sh",
                        "-c",
                        "echo one; sleep 1; echo two >&2; sleep 1")
                .ok()
                .trim();
        try {
            CommandResult logs = docker("logs", "-f", id);
            assertThat(logs.exitCode()).isZero();
            assertThat(logs.stdout()).isEqualTo("one\n");
            assertThat(logs.stderr()).isEqualTo("two\n");
            assertThat(docker("wait", id).ok().trim()).isEqualTo("0");
        } finally {
            docker("rm", "-f", id);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"berth", "runc", "crun"})
    void stopKillPauseAndRestart(String runtime) throws Exception {
        String stubborn = docker(
                        "run",
                        "-d",
                        "--runtime",
                        runtime,
                        "busybox",
                        "sh",
                        "-c",
                        "trap '' TERM; while true; do sleep 0.1; done")
                .ok()
                .trim();
        String ticking = docker(
                        "run",
                        "-d",
                        "--runtime",
                        runtime,
                        "busybox",
                        "sh",
                        "-c",
                        "trap 'echo got-usr1' USR1; trap 'exit 7' HUP; while true; do echo tick; sleep 0.05; done")
                .ok()
                .trim();
        try {
            long t0 = System.nanoTime();
            docker("stop", "-t", "1", stubborn).ok();
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(900L, 6000L);
            assertThat(docker("inspect", "-f", "{{.State.ExitCode}}", stubborn)
                            .ok()
                            .trim())
                    .isEqualTo("137");

            docker("pause", ticking).ok();
            assertThat(docker("inspect", "-f", "{{.State.Status}}", ticking)
                            .ok()
                            .trim())
                    .isEqualTo("paused");
            int lines = ticks(ticking);
            Thread.sleep(500);
            assertThat(ticks(ticking)).isEqualTo(lines);
            docker("unpause", ticking).ok();
            Thread.sleep(500);
            assertThat(ticks(ticking)).isGreaterThan(lines);

            docker("kill", "-s", "USR1", ticking).ok();
            Thread.sleep(300);
            docker("kill", "-s", "HUP", ticking).ok();
            assertThat(docker("wait", ticking).ok().trim()).isEqualTo("7");
            assertThat(docker("logs", ticking).stdout()).contains("got-usr1");

            // a second run of the same container: the runtime's state of the first is gone
            docker("start", ticking).ok();
            assertThat(docker("inspect", "-f", "{{.State.Running}}", ticking)
                            .ok()
                            .trim())
                    .isEqualTo("true");
            docker("restart", "-t", "1", ticking).ok();
            assertThat(docker("inspect", "-f", "{{.State.Running}} {{.HostConfig.Runtime}}", ticking)
                            .ok()
                            .trim())
                    .isEqualTo("true " + runtime);
        } finally {
            docker("rm", "-f", stubborn, ticking);
        }
    }

    private static int ticks(String id) {
        return (int) docker("logs", id).stdout().lines().filter("tick"::equals).count();
    }

    @Test
    void containersOfEveryRuntimeAreReattachedAfterADaemonKillAndStartAgain() throws Exception {
        Map<String, String> ids = new java.util.LinkedHashMap<>();
        Map<String, String> pids = new java.util.LinkedHashMap<>();
        Map<String, String> ttys = new java.util.LinkedHashMap<>();
        for (String runtime : List.of("berth", "runc", "crun")) {
            String id = docker(
                            "run",
                            "-d",
                            "--name",
                            "crash-" + runtime,
                            "--runtime",
                            runtime,
                            "busybox",
                            "sh",
                            "-c",
                            "echo started; exec sleep 600")
                    .ok()
                    .trim();
            ids.put(runtime, id);
            pids.put(runtime, docker("inspect", "-f", "{{.State.Pid}}", id).ok().trim());
            ttys.put(
                    runtime,
                    docker(
                                    "run",
                                    "-d",
                                    "-t",
                                    "--runtime",
                                    runtime,
                                    "busybox",
                                    "sh",
                                    "-c",
                                    "while true; do stty size; sleep 0.3; done")
                            .ok()
                            .trim());
        }
        try {
            daemon.kill();
            daemon.restart();
            for (var e : ids.entrySet()) {
                String id = e.getValue();
                assertThat(docker("inspect", "-f", "{{.State.Status}} {{.State.Pid}} {{.HostConfig.Runtime}}", id)
                                .ok()
                                .trim())
                        .as(e.getKey())
                        .isEqualTo("running " + pids.get(e.getKey()) + " " + e.getKey());
                assertThat(docker("exec", id, "sh", "-c", "echo alive").ok())
                        .as(e.getKey())
                        .isEqualTo("alive\n");
                assertThat(docker("logs", id).stdout()).isEqualTo("started\n");
                // a terminal is resized through the shim's control fifo, the old daemon's pipe being gone
                String tty = ttys.get(e.getKey());
                CommandResult resized = Commands.run(
                        List.of(
                                "curl",
                                "-sf",
                                "-X",
                                "POST",
                                "--unix-socket",
                                daemon.host().substring("unix://".length()),
                                "http://localhost/containers/" + tty + "/resize?h=33&w=111"),
                        Map.of(),
                        null);
                assertThat(resized.exitCode()).as(resized.toString()).isZero();
                String ttyLogs = "";
                for (int i = 0; i < 50 && !ttyLogs.contains("33 111"); i++) {
                    Thread.sleep(100);
                    ttyLogs = docker("logs", tty).ok();
                }
                assertThat(ttyLogs).as(e.getKey()).contains("33 111");
                docker("stop", "-t", "1", id).ok();
                assertThat(docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", id)
                                .ok()
                                .trim())
                        .as(e.getKey())
                        .isEqualTo("exited 137");
                // the runtime's state and rootfs mount of the reattached run are gone: it starts again
                docker("start", id).ok();
                assertThat(docker("exec", id, "sh", "-c", "echo again").ok())
                        .as(e.getKey())
                        .isEqualTo("again\n");
            }
        } finally {
            for (String id : ids.values()) {
                docker("rm", "-f", id);
            }
            for (String id : ttys.values()) {
                docker("rm", "-f", id);
            }
        }
        assertThat(MountTable.under(daemon.execRoot())).isEmpty();
    }

    @Test
    void defaultRuntimeFlagChoosesTheRuntimeOfNewContainers() {
        try (BerthDaemon other = BerthDaemon.start("--default-runtime", "runc")) {
            other.bootstrapBusybox();
            CommandResult r = other.docker("run", "--name", "by-default", "busybox", "sh", "-c", "echo hi");
            assertThat(r.stdout()).as(r.toString()).isEqualTo("hi\n");
            assertThat(other.docker("inspect", "-f", "{{.HostConfig.Runtime}}", "by-default")
                            .ok()
                            .trim())
                    .isEqualTo("runc");
            assertThat(other.docker("info", "--format", "{{.DefaultRuntime}}")
                            .ok()
                            .trim())
                    .isEqualTo("runc");
            other.docker("rm", "by-default").ok();
        }
        assertThatThrownBy(() -> BerthDaemon.start("--default-runtime", "nosuch"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("specified default runtime 'nosuch' does not exist");
    }
}
