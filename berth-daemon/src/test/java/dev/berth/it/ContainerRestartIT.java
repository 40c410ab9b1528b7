package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.MountTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Restart policies, and a daemon killed with SIGKILL while containers run. */
class ContainerRestartIT {
    /** Prints "line N" every 0.2 s; SIGTERM makes it exit 3 (after the current sleep). */
    private static final String COUNTER =
            "trap 'exit 3' TERM; i=0; while true; do echo line $i; i=$((i+1)); sleep 0.2; done";

    @Test
    void aKilledDaemonReattachesToContainersThatStillRun() throws Exception {
        try (BerthDaemon daemon = BerthDaemon.start()) {
            daemon.bootstrapBusybox();
            String id = daemon.docker("run", "-d", "--name", "counter", "busybox", "sh", "-c", COUNTER)
                    .ok()
                    .trim();
            String always = daemon.docker("run", "-d", "--restart", "always", "busybox", "sleep", "300")
                    .ok()
                    .trim();
            String reader = daemon.docker(
                            "run",
                            "-d",
                            "-i",
                            "busybox",
                            "sh",
                            "-c",
                            "while read l; do echo got $l; done; echo eof; exit 5")
                    .ok()
                    .trim();
            String tty = daemon.docker(
                            "run", "-d", "-t", "busybox", "sh", "-c", "while true; do stty size; sleep 0.3; done")
                    .ok()
                    .trim();
            String pid = inspect(daemon, "{{.State.Pid}}", id);
            String alwaysPid = inspect(daemon, "{{.State.Pid}}", always);
            int before = awaitCounter(daemon, id, 3);

            daemon.kill();
            Thread.sleep(1000); // lines written now wait in the pipe
            daemon.restart();

            assertThat(daemon.docker("ps", "--filter", "id=" + id, "--format", "{{.Status}}")
                            .ok())
                    .startsWith("Up ");
            assertThat(inspect(daemon, "{{.State.Status}} {{.State.Pid}}", id)).isEqualTo("running " + pid);
            assertThat(inspect(daemon, "{{.State.Status}} {{.State.Pid}} {{.RestartCount}}", always))
                    .isEqualTo("running " + alwaysPid + " 0");
            int after = awaitCounter(daemon, id, before + 15);
            List<Integer> seen = counters(daemon.docker("logs", id).ok());
            // every line once, also those written while no daemon read them and the one the
            // killed daemon had taken from the fifo but not logged yet (see OutputSpool)
            assertThat(seen).isSorted().doesNotHaveDuplicates().startsWith(0);
            assertThat(seen.getLast() + 1).isEqualTo(seen.size());
            assertThat(after).isGreaterThan(before + 5);
            assertThat(daemon.docker("exec", id, "echo", "inside").ok()).isEqualTo("inside\n");

            // a terminal's output flows on, and it can be resized (through the shim's control fifo)
            int ttyLines = daemon.docker("logs", tty).ok().split("\n").length;
            CommandResult resized = Commands.run(
                    List.of(
                            "curl",
                            "-sf",
                            "-X",
                            "POST",
                            "--unix-socket",
                            daemon.host().substring("unix://".length()),
                            "http://localhost/containers/" + tty + "/resize?h=33&w=111"),
                    java.util.Map.of(),
                    null);
            assertThat(resized.exitCode()).as(resized.toString()).isZero();
            String ttyLogs = "";
            for (int i = 0; i < 50 && !ttyLogs.contains("33 111"); i++) {
                Thread.sleep(100);
                ttyLogs = daemon.docker("logs", tty).ok();
            }
            assertThat(ttyLogs).contains("33 111");
            assertThat(ttyLogs.split("\n").length).isGreaterThan(ttyLines);

            // its stdin did not end with the old daemon, and takes input again
            assertThat(inspect(daemon, "{{.State.Status}}", reader)).isEqualTo("running");
            Path input = Files.writeString(daemon.scratch().resolve("input"), "hello\n");
            var attach = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> daemon.dockerWithInput(input, "attach", reader));
            String logs = "";
            for (int i = 0; i < 100 && !logs.contains("got hello"); i++) {
                Thread.sleep(100);
                logs = daemon.docker("logs", reader).ok();
            }
            assertThat(logs).isEqualTo("got hello\n");
            daemon.docker("kill", reader).ok();
            assertThat(attach.get(30, java.util.concurrent.TimeUnit.SECONDS).stdout())
                    .contains("got hello\n");

            daemon.docker("stop", id).ok();
            assertThat(inspect(daemon, "{{.State.Status}} {{.State.ExitCode}}", id))
                    .isEqualTo("exited 3");
            assertThat(daemon.docker("wait", id).ok().trim()).isEqualTo("3");
            assertThat(Files.exists(Path.of("/proc/" + pid))).isFalse();
            daemon.docker("rm", "-f", id, always, reader, tty).ok();
            assertNothingLeft(daemon, id);
            assertNothingLeft(daemon, always);
        }
    }

    @Test
    void aContainerThatEndedWhileTheDaemonWasDownGetsItsExitCodeAndLeavesNothing() throws Exception {
        try (BerthDaemon daemon = BerthDaemon.start()) {
            daemon.bootstrapBusybox();
            String quick = daemon.docker("run", "-d", "busybox", "sh", "-c", "echo bye; sleep 1; exit 7")
                    .ok()
                    .trim();
            String lost =
                    daemon.docker("run", "-d", "busybox", "sleep", "300").ok().trim();
            String back = daemon.docker("run", "-d", "--restart", "always", "busybox", "sleep", "300")
                    .ok()
                    .trim();
            // AutoRemove ones that end, or never started, while no daemon runs go at start-up, as
            // dockerd's restore removes them
            String selfRemoving = daemon.docker("run", "-d", "--rm", "busybox", "sh", "-c", "sleep 1; exit 4")
                    .ok()
                    .trim();
            String createdOnly =
                    daemon.docker("create", "--rm", "busybox", "true").ok().trim();
            String lostPid = inspect(daemon, "{{.State.Pid}}", lost);
            String backPid = inspect(daemon, "{{.State.Pid}}", back);
            List<String> shims = List.of(shimPid(daemon, lost), shimPid(daemon, back));

            daemon.kill();
            // the supervisor and the container both gone: nobody knows how it ended
            for (String shim : shims) {
                Commands.run(List.of("kill", "-9", shim), java.util.Map.of(), null)
                        .ok();
            }
            Commands.run(List.of("kill", "-9", lostPid, backPid), java.util.Map.of(), null);
            Thread.sleep(2000);
            daemon.restart();

            assertThat(inspect(daemon, "{{.State.Status}} {{.State.ExitCode}}", quick))
                    .isEqualTo("exited 7");
            assertThat(daemon.docker("logs", quick).ok()).isEqualTo("bye\n");
            assertThat(inspect(daemon, "{{.State.Status}} {{.State.ExitCode}}", lost))
                    .isEqualTo("exited 255");
            for (String id : List.of(quick, lost, selfRemoving, createdOnly)) {
                assertNothingLeft(daemon, id);
            }
            for (String id : List.of(selfRemoving, createdOnly)) {
                assertThat(daemon.docker("ps", "-aq", "--filter", "id=" + id).ok())
                        .isEmpty();
                assertThat(daemon.dataRoot().resolve("containers").resolve(id)).doesNotExist();
            }
            String status = "";
            for (int i = 0; i < 100 && !status.equals("running"); i++) {
                status = inspect(daemon, "{{.State.Status}}", back);
                Thread.sleep(100);
            }
            assertThat(status).isEqualTo("running");
            assertThat(daemon.docker("exec", back, "true").exitCode()).isZero();
            daemon.docker("rm", "-f", quick, lost, back).ok();
            assertThat(MountTable.under(daemon.dataRoot())).isEmpty();
        }
    }

    private static String inspect(BerthDaemon daemon, String format, String id) {
        return daemon.docker("inspect", "-f", format, id).ok().trim();
    }

    private static String shimPid(BerthDaemon daemon, String id) throws Exception {
        Path file = daemon.execRoot()
                .resolve("containers")
                .resolve(id)
                .resolve("state")
                .resolve("shim.pid");
        return Files.readString(file).trim();
    }

    private static List<Integer> counters(String logs) {
        return logs.lines()
                .filter(l -> l.startsWith("line "))
                .map(l -> Integer.parseInt(l.substring(5)))
                .toList();
    }

    /** Waits until the container has logged "line N" for some N >= {@code atLeast}; returns the last N. */
    private static int awaitCounter(BerthDaemon daemon, String id, int atLeast) throws InterruptedException {
        int last = -1;
        for (int i = 0; i < 300 && last < atLeast; i++) {
            List<Integer> seen = counters(daemon.docker("logs", id).ok());
            last = seen.isEmpty() ? -1 : seen.getLast();
            if (last < atLeast) {
                Thread.sleep(100);
            }
        }
        assertThat(last).as("last counter logged").isGreaterThanOrEqualTo(atLeast);
        return last;
    }

    /** No mounts, cgroups or run directory of the container remain (it has exited or gone). */
    private static void assertNothingLeft(BerthDaemon daemon, String id) throws Exception {
        assertThat(MountTable.under(daemon.execRoot())).noneMatch(m -> m.contains(id));
        assertThat(MountTable.under(daemon.dataRoot())).noneMatch(m -> m.contains(id));
        assertThat(daemon.execRoot().resolve("containers").resolve(id)).doesNotExist();
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                assertThat(h.resolve("berth").resolve(id)).doesNotExist();
            }
        }
    }

    @Test
    void onFailureRestartsUpToTheLimit() throws Exception {
        try (BerthDaemon daemon = BerthDaemon.start()) {
            daemon.bootstrapBusybox();
            daemon.docker(
                            "run",
                            "-d",
                            "--name",
                            "flaky",
                            "--restart",
                            "on-failure:2",
                            "busybox",
                            "sh",
                            "-c",
                            "echo run; exit 1")
                    .ok();
            String state = "";
            for (int i = 0; i < 100; i++) {
                state = daemon.docker(
                                "inspect", "-f", "{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}", "flaky")
                        .ok()
                        .trim();
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
