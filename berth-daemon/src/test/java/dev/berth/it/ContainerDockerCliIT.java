package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.MountTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container lifecycle through the real docker CLI against a Berth daemon: run, exit codes,
 * logs, ps, inspect, stop, kill, pause, rm, isolation, limits, exec, cp, diff, commit.
 */
class ContainerDockerCliIT {
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

    private static CommandResult docker(String... args) {
        return daemon.docker(args);
    }

    @Test
    void runRmPrintsOutputAndLeavesNoContainer() {
        CommandResult r = docker("run", "--rm", "--name", "hi", "busybox", "echo", "hi");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("hi\n");
        assertThat(docker("ps", "-a", "--filter", "name=^/hi$", "-q").ok()).isEmpty();
    }

    @Test
    void exitCodesAndStderrComeThrough() {
        CommandResult r = docker("run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).contains("err\n");
    }

    @Test
    void missingCommandFailsWith127AndDockersMessage() {
        CommandResult r = docker("run", "--rm", "busybox", "nosuch");
        assertThat(r.exitCode()).isEqualTo(127);
        assertThat(r.stderr()).contains("exec: \"nosuch\": executable file not found in $PATH");
    }

    @Test
    void commandsStartWithNoSignalIgnoredOrBlocked() {
        // as under Docker: neither the shim's own SIGPIPE disposition nor anything the daemon ignores reaches them
        String clean = "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n";
        String pattern = "^Sig(Blk|Ign)";
        assertThat(docker("run", "--rm", "busybox", "grep", "-E", pattern, "/proc/self/status")
                        .ok())
                .isEqualTo(clean);
        assertThat(docker("run", "--rm", "--init", "busybox", "grep", "-E", pattern, "/proc/self/status")
                        .ok())
                .isEqualTo(clean);
        String id = docker("run", "-d", "busybox", "sleep", "30").ok().trim();
        assertThat(docker("exec", id, "grep", "-E", pattern, "/proc/self/status")
                        .ok())
                .isEqualTo(clean);
        docker("rm", "-f", id).ok();
    }

    @Test
    void stdinReachesTheContainerAndEnds() throws Exception {
        Path input = daemon.scratch().resolve("stdin.txt");
        Files.writeString(input, "piped line\n");
        CommandResult r = daemon.dockerWithInput(input, "run", "--rm", "-i", "busybox", "cat");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("piped line\n");
    }

    @Test
    void detachedContainerLogsFollowUntilItExits() {
        String id = docker("run", "-d", "busybox", "sh", "-c", "echo one; sleep 1; echo two >&2; sleep 1")
                .ok()
                .trim();
        CommandResult logs = docker("logs", "-f", id);
        assertThat(logs.exitCode()).isZero();
        assertThat(logs.stdout()).isEqualTo("one\n");
        assertThat(logs.stderr()).isEqualTo("two\n");
        assertThat(docker("logs", "--tail", "1", id).stderr()).isEqualTo("two\n");
        assertThat(docker("logs", "-t", id).stdout())
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z one\\n");
        assertThat(docker("wait", id).ok().trim()).isEqualTo("0");
        docker("rm", id).ok();
    }

    @Test
    void psFiltersByStatusNameLabelAndExitCode() {
        String running = docker("run", "-d", "--name", "ps-running", "--label", "role=web", "busybox", "sleep", "60")
                .ok()
                .trim();
        docker("run", "--name", "ps-exited", "--label", "role=job", "busybox", "sh", "-c", "exit 2");
        docker("create", "--name", "ps-created", "busybox", "true").ok();
        try {
            assertThat(docker("ps", "--format", "{{.Names}}").ok())
                    .contains("ps-running")
                    .doesNotContain("ps-exited");
            assertThat(docker("ps", "-a", "--filter", "status=exited", "--format", "{{.Names}}")
                            .ok()
                            .lines())
                    .contains("ps-exited")
                    .doesNotContain("ps-running", "ps-created");
            assertThat(docker("ps", "-a", "--filter", "status=created", "--format", "{{.Names}}")
                            .ok()
                            .lines())
                    .contains("ps-created");
            assertThat(docker("ps", "-a", "--filter", "label=role=web", "--format", "{{.Names}}")
                            .ok()
                            .lines())
                    .containsExactly("ps-running");
            assertThat(docker("ps", "-a", "--filter", "exited=2", "--format", "{{.Names}}")
                            .ok()
                            .lines())
                    .containsExactly("ps-exited");
            assertThat(docker("ps", "-a", "--filter", "name=ps-cr", "--format", "{{.Names}}")
                            .ok()
                            .lines())
                    .containsExactly("ps-created");
            assertThat(docker("ps", "-q", "--filter", "id=" + running.substring(0, 8))
                            .ok()
                            .trim())
                    .isEqualTo(running.substring(0, 12));
            assertThat(docker("ps", "-a", "--filter", "ancestor=busybox", "--format", "{{.Names}}")
                            .ok()
                            .lines())
                    .contains("ps-running", "ps-exited", "ps-created");
        } finally {
            docker("rm", "-f", "ps-running", "ps-exited", "ps-created");
        }
    }

    @Test
    void nameConflictIs409WithDockersMessage() {
        String id = docker("create", "--name", "dup", "busybox", "true").ok().trim();
        try {
            CommandResult r = docker("create", "--name", "dup", "busybox", "true");
            assertThat(r.exitCode()).isNotZero();
            assertThat(r.stderr())
                    .contains("Conflict. The container name \"/dup\" is already in use by container \"" + id
                            + "\". You have to remove (or rename) that container to be able to reuse that name.");
        } finally {
            docker("rm", "dup");
        }
    }

    @Test
    void inspectShowsDockersFields() {
        String id = docker(
                        "run",
                        "-d",
                        "--name",
                        "insp",
                        "--memory",
                        "64m",
                        "--restart",
                        "on-failure:3",
                        "-e",
                        "A=b",
                        "-w",
                        "/tmp",
                        "busybox",
                        "sleep",
                        "60")
                .ok()
                .trim();
        try {
            String out = docker(
                            "inspect",
                            "-f",
                            "{{.State.Status}} {{.State.Running}} {{.State.Pid}} {{.Name}} "
                                    + "{{.Config.Hostname}} {{.HostConfig.Memory}} {{.HostConfig.RestartPolicy.Name}} "
                                    + "{{.HostConfig.RestartPolicy.MaximumRetryCount}} {{.Path}} {{.Args}} {{.Config.WorkingDir}} "
                                    + "{{.GraphDriver.Name}} {{index .Config.Env 1}}",
                            id)
                    .ok()
                    .trim();
            String[] f = out.split(" ");
            assertThat(f[0]).isEqualTo("running");
            assertThat(f[1]).isEqualTo("true");
            assertThat(Long.parseLong(f[2])).isPositive();
            assertThat(f[3]).isEqualTo("/insp");
            assertThat(f[4]).isEqualTo(id.substring(0, 12));
            assertThat(f[5]).isEqualTo(Long.toString(64L * 1024 * 1024));
            assertThat(f[6]).isEqualTo("on-failure");
            assertThat(f[7]).isEqualTo("3");
            assertThat(f[8]).isEqualTo("sleep");
            assertThat(f[9] + " " + f[10]).isEqualTo("[60] /tmp");
            assertThat(f[11]).isIn("overlay2", "vfs");
            assertThat(out).contains("A=b");
            // containers join the default bridge, with an address of this daemon's pool
            String pool = daemon.network().pool();
            assertThat(docker(
                                    "inspect",
                                    "-f",
                                    "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.IPAddress}}{{end}}",
                                    id)
                            .ok())
                    .startsWith("bridge " + pool.substring(0, pool.indexOf(".0.0/")) + ".");
        } finally {
            docker("rm", "-f", id);
        }
    }

    @Test
    void stopSendsTheStopSignalThenKillsAfterTheTimeout() {
        String polite = docker("run", "-d", "busybox", "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done")
                .ok()
                .trim();
        String stubborn = docker("run", "-d", "busybox", "sh", "-c", "trap '' TERM; while true; do sleep 0.1; done")
                .ok()
                .trim();
        try {
            long t0 = System.nanoTime();
            docker("stop", polite).ok();
            long politeMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(politeMillis).isLessThan(3000);
            assertThat(docker("inspect", "-f", "{{.State.ExitCode}}", polite)
                            .ok()
                            .trim())
                    .isEqualTo("0");

            t0 = System.nanoTime();
            docker("stop", "-t", "2", stubborn).ok();
            long stubbornMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(stubbornMillis).isBetween(1900L, 6000L);
            assertThat(docker("inspect", "-f", "{{.State.ExitCode}}", stubborn)
                            .ok()
                            .trim())
                    .isEqualTo("137");
        } finally {
            docker("rm", "-f", polite, stubborn);
        }
    }

    @Test
    void killDeliversAnySignal() throws Exception {
        String id = docker(
                        "run",
                        "-d",
                        "busybox",
                        "sh",
                        "-c",
                        "trap 'echo got-usr1' USR1; trap 'echo got-hup; exit 7' HUP; while true; do sleep 0.1; done")
                .ok()
                .trim();
        try {
            Thread.sleep(500);
            docker("kill", "-s", "USR1", id).ok();
            Thread.sleep(500);
            docker("kill", "--signal", "1", id).ok();
            assertThat(docker("wait", id).ok().trim()).isEqualTo("7");
            assertThat(docker("logs", id).stdout()).isEqualTo("got-usr1\ngot-hup\n");
            assertThat(docker("kill", id).stderr()).contains("is not running");
        } finally {
            docker("rm", "-f", id);
        }
    }

    @Test
    void pauseFreezesAndUnpauseThaws() throws Exception {
        String id = docker("run", "-d", "busybox", "sh", "-c", "while true; do date +%s%N; sleep 0.05; done")
                .ok()
                .trim();
        try {
            docker("pause", id).ok();
            assertThat(docker("inspect", "-f", "{{.State.Status}} {{.State.Paused}}", id)
                            .ok()
                            .trim())
                    .isEqualTo("paused true");
            int lines = docker("logs", id).stdout().split("\n").length;
            Thread.sleep(500);
            assertThat(docker("logs", id).stdout().split("\n").length).isEqualTo(lines);
            docker("unpause", id).ok();
            Thread.sleep(500);
            assertThat(docker("logs", id).stdout().split("\n").length).isGreaterThan(lines);
        } finally {
            docker("rm", "-f", id);
        }
    }

    @Test
    void rmLeavesNoMountsCgroupsOrFiles() throws Exception {
        String id = docker("run", "-d", "busybox", "sleep", "60").ok().trim();
        docker("exec", id, "true").ok();
        docker("rm", "-f", id).ok();
        assertThat(MountTable.under(daemon.dataRoot())).isEmpty();
        assertThat(MountTable.under(daemon.execRoot())).isEmpty();
        assertThat(Files.exists(daemon.dataRoot().resolve("containers").resolve(id)))
                .isFalse();
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                assertThat(h.resolve("berth").resolve(id)).doesNotExist();
            }
        }
        try (Stream<Path> snapshots = Files.list(daemon.dataRoot().resolve("snapshots"))) {
            assertThat(snapshots.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(id));
        }
    }

    @Test
    void containerSeesOnlyItsOwnProcessesAndHostname() {
        CommandResult r =
                docker("run", "--rm", "--hostname", "boxy", "busybox", "sh", "-c", "hostname; ps -o pid,args; true");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("boxy");
        assertThat(lines.get(2).trim()).startsWith("1 sh -c hostname");
        assertThat(lines).hasSize(4); // hostname, header, sh (pid 1), ps
        CommandResult sys = docker("run", "--rm", "busybox", "sh", "-c", "echo 1 > /proc/sys/kernel/panic");
        assertThat(sys.exitCode()).isNotZero();
    }

    @Test
    void hostMountsDevicesAndReleaseAgentAreOutOfReach() {
        CommandResult r = docker(
                "run",
                "--rm",
                "busybox",
                "sh",
                "-c",
                "mount -t tmpfs none /mnt 2>/dev/null && echo MOUNTED; "
                        + "mknod /tmp/sda b 8 0 2>/dev/null && head -c1 /tmp/sda >/dev/null 2>&1 && echo RAWDEV; "
                        + "for f in /sys/fs/cgroup/*/release_agent /sys/fs/cgroup/release_agent; do "
                        + "[ -e $f ] && echo x 2>/dev/null > $f && echo RELEASE; done; "
                        + "[ -e /work ] && echo HOSTFILES; ls /dev; echo end");
        assertThat(r.stdout()).contains("end").doesNotContain("MOUNTED", "RAWDEV", "RELEASE", "HOSTFILES");
        assertThat(r.stdout()).doesNotContain("sda", "nvme", "vda");
    }

    @Test
    void memoryLimitOomKillsWith137() {
        CommandResult r = docker(
                "run",
                "--name",
                "oom",
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
            assertThat(docker("inspect", "-f", "{{.State.OOMKilled}} {{.State.ExitCode}}", "oom")
                            .ok()
                            .trim())
                    .isEqualTo("true 137");
        } finally {
            docker("rm", "-f", "oom");
        }
    }

    @Test
    void pidsLimitStopsForks() {
        CommandResult r = docker(
                "run",
                "--rm",
                "--pids-limit",
                "8",
                "busybox",
                "sh",
                "-c",
                "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 3 & done; wait; echo done");
        assertThat(r.stdout() + r.stderr()).containsIgnoringCase("fork");
    }

    @Test
    void execRunsInTheContainerWithEnvWorkdirAndUser() throws Exception {
        String id = docker("run", "-d", "busybox", "sleep", "60").ok().trim();
        try {
            CommandResult r = docker(
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
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).startsWith("bar\n/tmp\n65534\nsleep 60");
            assertThat(docker("exec", id, "sh", "-c", "exit 5").exitCode()).isEqualTo(5);
            CommandResult missing = docker("exec", id, "nosuch");
            assertThat(missing.exitCode()).isEqualTo(127);
            // each exec's fifos and state go once it has ended (after its answer, not before)
            Path execs = daemon.execRoot().resolve("containers").resolve(id).resolve("exec");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (leftIn(execs) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(leftIn(execs)).isZero();
        } finally {
            docker("rm", "-f", id);
        }
    }

    private static long leftIn(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.count();
        }
    }

    @Test
    void interactiveTerminalThroughScript() throws Exception {
        Path input = daemon.scratch().resolve("tty-input.sh");
        Files.writeString(
                input,
                "#!/bin/sh\n(sleep 2; printf 'echo inside-$((6*7))\\n'; sleep 1; printf 'exit 4\\n') | "
                        + "script -qec 'docker run -it --rm busybox sh' /dev/null\n");
        CommandResult r =
                Commands.run(List.of("sh", input.toString()), java.util.Map.of("DOCKER_HOST", daemon.host()), null);
        assertThat(r.stdout()).contains("inside-42");
        assertThat(r.exitCode()).isEqualTo(4);
    }

    @Test
    void cpCopiesFilesBothWays() throws Exception {
        String id = docker("run", "-d", "busybox", "sh", "-c", "echo from-container > /made; sleep 60")
                .ok()
                .trim();
        try {
            Path in = daemon.scratch().resolve("to-container.txt");
            Files.writeString(in, "from-host\n");
            docker("cp", in.toString(), id + ":/tmp/").ok();
            assertThat(docker("exec", id, "cat", "/tmp/to-container.txt").ok()).isEqualTo("from-host\n");
            Path out = daemon.scratch().resolve("made");
            docker("cp", id + ":/made", out.toString()).ok();
            assertThat(Files.readString(out)).isEqualTo("from-container\n");
            assertThat(docker("cp", id + ":/nope", out.toString()).stderr()).contains("Could not find the file /nope");
        } finally {
            docker("rm", "-f", id);
        }
    }

    /**
     * A container's symlinks are followed as the container sees them: {@code /hostlink -> /}
     * leads to the container's root, never to the host's, whether the container runs or not.
     */
    @Test
    void cpFollowsTheContainersSymlinksInsideIt() throws Exception {
        Path hostDir = Files.createDirectories(daemon.scratch().resolve("cp-host-side"));
        Files.writeString(hostDir.resolve("secret"), "host-only\n");
        Path payload = daemon.scratch().resolve("payload.txt");
        Files.writeString(payload, "payload\n");
        Path out = daemon.scratch().resolve("cp-out");
        String id = docker(
                        "run",
                        "-d",
                        "busybox",
                        "sh",
                        "-c",
                        "ln -s / /hostlink; ln -s " + hostDir + " /dirlink; mkdir -p /inside; ln -s /inside /ok; "
                                + "echo in-container > /inside/file; touch /ready; sleep 60")
                .ok()
                .trim();
        try {
            for (int i = 0; i < 50 && docker("exec", id, "test", "-e", "/ready").exitCode() != 0; i++) {
                Thread.sleep(100);
            }
            for (String state : List.of("running", "stopped")) {
                assertThat(docker("cp", id + ":/hostlink" + hostDir + "/secret", out.toString())
                                .stderr())
                        .as(state)
                        .contains("Could not find the file");
                assertThat(docker("cp", id + ":/dirlink/secret", out.toString()).stderr())
                        .as(state)
                        .contains("Could not find the file");
                assertThat(out).as(state).doesNotExist();

                assertThat(docker("cp", payload.toString(), id + ":/hostlink" + hostDir + "/")
                                .exitCode())
                        .isNotZero();
                assertThat(docker("cp", payload.toString(), id + ":/dirlink/").exitCode())
                        .isNotZero();
                assertThat(hostDir.resolve("payload.txt")).as(state).doesNotExist();

                docker("cp", id + ":/ok/file", out.toString()).ok();
                assertThat(Files.readString(out)).as(state).isEqualTo("in-container\n");
                Files.delete(out);
                docker("cp", payload.toString(), id + ":/hostlink/inside/").ok();
                docker("cp", id + ":/inside/payload.txt", out.toString()).ok();
                assertThat(Files.readString(out)).as(state).isEqualTo("payload\n");
                Files.delete(out);
                if (state.equals("running")) {
                    docker("exec", id, "rm", "/inside/payload.txt").ok();
                    docker("stop", "-t", "0", id).ok();
                }
            }
        } finally {
            docker("rm", "-f", id);
        }
    }

    @Test
    void diffListsAddedChangedDeleted() {
        String id = docker("run", "-d", "busybox", "sh", "-c", "echo x > /added; rm /bin/vi; sleep 60")
                .ok()
                .trim();
        try {
            String diff = "";
            // until the last of the container's changes shows (the first alone came out under load)
            for (int i = 0; i < 50 && !diff.contains("D /bin/vi"); i++) {
                diff = docker("diff", id).ok();
            }
            assertThat(diff.lines()).contains("A /added", "D /bin/vi", "C /bin");
            assertThat(diff).doesNotContain("/etc/hostname");
        } finally {
            docker("rm", "-f", id);
        }
    }

    @Test
    void commitsOfOneParentAreSiblingsSharingItsLayers() {
        docker("run", "--name", "c1", "busybox", "sh", "-c", "echo one > /one; rm /bin/vi")
                .ok();
        docker("run", "--name", "c2", "busybox", "sh", "-c", "echo two > /two").ok();
        try {
            docker("commit", "-m", "first", "c1", "sib:one").ok();
            docker("commit", "c2", "sib:two").ok();
            List<String> base = layers("busybox");
            List<String> one = layers("sib:one");
            List<String> two = layers("sib:two");
            assertThat(one).hasSize(base.size() + 1).startsWith(base.toArray(String[]::new));
            assertThat(two).hasSize(base.size() + 1).startsWith(base.toArray(String[]::new));
            assertThat(one.getLast()).isNotEqualTo(two.getLast());
            assertThat(docker("run", "--rm", "sib:one", "sh", "-c", "cat /one; ls /two /bin/vi")
                            .stdout())
                    .isEqualTo("one\n");
            assertThat(docker("run", "--rm", "sib:two", "cat", "/two").ok()).isEqualTo("two\n");
        } finally {
            docker("rm", "-f", "c1", "c2");
            docker("rmi", "sib:one", "sib:two");
        }
    }

    @Test
    void rmiOfAnImageAContainerUsesNeedsForceThenLeavesItDanglingForTheContainer() {
        docker("run", "--name", "rmibase", "busybox", "sh", "-c", "echo kept > /kept")
                .ok();
        docker("commit", "rmibase", "rmitest:1").ok();
        String imageId =
                docker("image", "inspect", "-f", "{{.Id}}", "rmitest:1").ok().trim();
        String shortImage = imageId.substring("sha256:".length(), "sha256:".length() + 12);
        String stopped = docker("create", "--name", "rmistopped", "rmitest:1", "cat", "/kept")
                .ok()
                .trim();
        String running = null;
        try {
            CommandResult refused = docker("rmi", "rmitest:1");
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.stderr())
                    .contains("conflict: unable to remove repository reference \"rmitest:1\" "
                            + "(must force) - container " + stopped.substring(0, 12) + " is using its referenced image "
                            + shortImage);
            CommandResult byId = docker("rmi", shortImage);
            assertThat(byId.exitCode()).isEqualTo(1);
            assertThat(byId.stderr())
                    .contains("conflict: unable to delete " + shortImage
                            + " (must be forced) - image is being used by stopped container "
                            + stopped.substring(0, 12));

            assertThat(docker("rmi", "-f", "rmitest:1").ok()).isEqualTo("Untagged: rmitest:1\n");
            assertThat(docker("images", "-q", "--no-trunc", "--filter", "dangling=true")
                            .ok())
                    .contains(imageId);
            // the CLI shortens an image ID in the Image column
            assertThat(docker("ps", "-a", "--filter", "name=rmistopped", "--format", "{{.Image}}")
                            .ok()
                            .trim())
                    .isEqualTo(shortImage);
            assertThat(docker("start", "-a", "rmistopped").ok()).isEqualTo("kept\n");

            running = docker("run", "-d", imageId, "sleep", "300").ok().trim();
            CommandResult hard = docker("rmi", "-f", imageId);
            assertThat(hard.exitCode()).isEqualTo(1);
            assertThat(hard.stderr())
                    .contains("conflict: unable to delete " + shortImage
                            + " (cannot be forced) - image is being used by running container "
                            + running.substring(0, 12));

            docker("rm", "-f", stopped, running).ok();
            running = null;
            assertThat(docker("rmi", imageId).ok()).contains("Deleted: " + imageId);
        } finally {
            docker("rm", "-f", "rmibase", "rmistopped");
            if (running != null) {
                docker("rm", "-f", running);
            }
            docker("rmi", "-f", "rmitest:1", imageId);
        }
    }

    @Test
    void topStatsAndExportSeeTheRunningContainer() throws Exception {
        String id = docker("run", "-d", "--memory", "32m", "busybox", "sh", "-c", "echo x > /exported; sleep 60")
                .ok()
                .trim();
        try {
            assertThat(docker("top", id).ok()).contains("sleep 60").contains("PID");
            String stats = docker("stats", "--no-stream", "--format", "{{.ID}} {{.MemUsage}} {{.PIDs}}", id)
                    .ok()
                    .trim();
            assertThat(stats).startsWith(id.substring(0, 12)).contains("/ 32MiB");
            Path tar = daemon.scratch().resolve("export.tar");
            docker("export", "-o", tar.toString(), id).ok();
            CommandResult list = Commands.run(List.of("tar", "-tf", tar.toString()), java.util.Map.of(), null);
            assertThat(list.stdout().lines())
                    .contains("exported", "bin/busybox")
                    .noneMatch(l -> l.startsWith("proc/1"));
        } finally {
            docker("rm", "-f", id);
        }
    }

    @Test
    void berthCliRunsListsStopsAndRemovesContainers() {
        CommandResult run = daemon.berth("run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.stdout()).isEqualTo("out\n");
        assertThat(run.stderr()).isEqualTo("err\n");
        String id = daemon.berth("run", "-d", "--name", "berth-cli", "busybox", "sh", "-c", "echo hello; sleep 60")
                .ok()
                .trim();
        assertThat(daemon.berth("ps").ok())
                .contains(id.substring(0, 12))
                .contains("berth-cli")
                .contains("Up ");
        assertThat(daemon.berth("stop", "-t", "1", "berth-cli").ok()).isEqualTo("berth-cli\n");
        assertThat(daemon.berth("logs", "berth-cli").ok()).isEqualTo("hello\n");
        assertThat(daemon.berth("ps", "-a").ok()).contains("Exited (137)");
        daemon.berth("rm", "berth-cli").ok();
        assertThat(daemon.berth("ps", "-a", "-q").ok()).doesNotContain(id.substring(0, 12));
    }

    private static List<String> layers(String image) {
        return List.of(docker("inspect", "-f", "{{range .RootFS.Layers}}{{.}} {{end}}", image)
                .ok()
                .trim()
                .split(" "));
    }

    /** As dockerd answers (moby's verifyPlatformContainerResources and verifyPlatformContainerSettings). */
    @Test
    void negativeMemoryOrShmSizeIsRefusedAtCreate() {
        int before = docker("ps", "-aq").ok().split("\\s+").length;
        for (String[] c : List.of(
                new String[] {"\"Memory\":-1", "Minimum memory limit allowed is 6MB"},
                new String[] {"\"ShmSize\":-1", "SHM size can not be less than 0"})) {
            CommandResult r = Commands.run(
                    List.of(
                            "curl",
                            "-s",
                            "-w",
                            "\n%{http_code}",
                            "--unix-socket",
                            daemon.host().substring("unix://".length()),
                            "-H",
                            "Content-Type: application/json",
                            "-d",
                            "{\"Image\":\"busybox\",\"Cmd\":[\"true\"],\"HostConfig\":{" + c[0] + "}}",
                            "http://berth/containers/create"),
                    java.util.Map.of(),
                    null);
            assertThat(r.ok()).as(c[0]).isEqualTo("{\"message\":\"" + c[1] + "\"}\n\n400");
        }
        assertThat(docker("ps", "-aq").ok().split("\\s+")).hasSize(before);
    }

    /** dockerd creates and starts it: the kernel takes any limit; twice it (the default swap) is no swap limit. */
    @Test
    void aMemoryLimitBeyondTheHostRunsAndShmSizeSizesDevShm() {
        assertThat(docker("run", "--rm", "-m", "4611686018427387904b", "busybox", "echo", "ran")
                        .ok())
                .isEqualTo("ran\n");
        assertThat(docker("run", "--rm", "--shm-size", "128m", "busybox", "df", "-k", "/dev/shm")
                        .ok())
                .contains(" 131072 ");
        String id =
                docker("create", "--shm-size", "128m", "busybox", "true").ok().trim();
        try {
            assertThat(docker("inspect", "-f", "{{.HostConfig.ShmSize}}", id)
                            .ok()
                            .trim())
                    .isEqualTo("134217728");
        } finally {
            docker("rm", id);
        }
    }
}
