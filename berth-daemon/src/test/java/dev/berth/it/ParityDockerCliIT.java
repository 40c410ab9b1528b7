package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where the docker CLI found Berth unlike dockerd (issue 13): restarting with attach, swarm, prune
 * and disk usage.
 */
class ParityDockerCliIT {
    private static final String CTRL_P = "\u0010";
    private static final String CTRL_Q = "\u0011";
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
    void startAttachPrintsTheNextRunOfAnExitedContainer() {
        String script = "echo run; ls /marker 2>/dev/null && echo second; touch /marker; exit 4";
        CommandResult first = docker("run", "--name", "start-a", "busybox", "sh", "-c", script);
        assertThat(first.exitCode()).as(first.toString()).isEqualTo(4);
        assertThat(first.stdout()).isEqualTo("run\n");

        CommandResult again = docker("start", "-a", "start-a");
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(4);
        assertThat(again.stdout()).isEqualTo("run\n/marker\nsecond\n");
        docker("rm", "start-a").ok();
    }

    @Test
    void startAttachInteractiveFeedsStdinToTheNextRun() throws Exception {
        Path input = Files.writeString(daemon.scratch().resolve("start-ai.txt"), "typed\n");
        CommandResult first = daemon.dockerWithInput(input, "run", "-i", "--name", "start-ai", "busybox", "cat");
        assertThat(first.stdout()).as(first.toString()).isEqualTo("typed\n");

        Files.writeString(input, "typed again\n");
        CommandResult again = daemon.dockerWithInput(input, "start", "-ai", "start-ai");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.stdout()).isEqualTo("typed again\n");
        docker("rm", "start-ai").ok();
    }

    /**
     * Detach keys on a terminal: ctrl-p ctrl-q leave {@code docker run -it} with the container
     * running; attach takes {@code --detach-keys} or config.json's {@code detachKeys}; an exec
     * ends with "read escape sequence" and its process runs on.
     */
    @Test
    void detachKeysLeaveTheContainerAndTheExecRunning() throws Exception {
        CommandResult run = daemon.dockerOnTerminal(
                new Terminal()
                        .waitFor("/ # ")
                        .type("echo $((40+2))\r")
                        .waitFor("42")
                        .type(CTRL_P + CTRL_Q),
                "run",
                "-it",
                "--name",
                "detached",
                "busybox",
                "sh");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(running("detached")).isTrue();

        CommandResult attach = daemon.dockerOnTerminal(
                new Terminal().type("echo $((40+3))\r").waitFor("43").type("\u0018"),
                "attach",
                "--detach-keys",
                "ctrl-x",
                "detached");
        assertThat(attach.stdout()).as(attach.toString()).endsWith("read escape sequence\r\n");
        assertThat(running("detached")).isTrue();

        Path config = Files.createDirectories(daemon.scratch().resolve("detach-config"));
        Files.writeString(config.resolve("config.json"), "{\"detachKeys\": \"ctrl-e,e\"}");
        CommandResult configured = daemon.dockerOnTerminal(
                new Terminal().type("echo $((40+4))\r").waitFor("44").type("\u0005e"),
                "--config",
                config.toString(),
                "attach",
                "detached");
        assertThat(configured.stdout()).as(configured.toString()).endsWith("read escape sequence\r\n");
        assertThat(running("detached")).isTrue();

        CommandResult exec = daemon.dockerOnTerminal(
                new Terminal().waitFor("/ # ").type("exec sleep 4321\r").type(CTRL_P + CTRL_Q),
                "exec",
                "-it",
                "detached",
                "sh");
        assertThat(exec.exitCode()).as(exec.toString()).isEqualTo(1);
        assertThat(exec.stdout()).endsWith("read escape sequence\r\n");
        assertThat(docker("exec", "detached", "ps", "-o", "args").ok()).contains("sleep 4321");
        docker("rm", "-f", "detached").ok();
    }

    /** Keys that name no key are refused, as dockerd refuses them, not ignored. */
    @Test
    void invalidDetachKeysAreRefused() {
        docker("run", "-d", "--name", "bad-keys", "busybox", "sleep", "600").ok();
        CommandResult exec = docker("exec", "--detach-keys", "ctrl-1", "bad-keys", "true");
        assertThat(exec.exitCode()).isNotZero();
        assertThat(exec.stderr()).contains("Invalid escape keys (ctrl-1) provided");
        // the CLI reports the attach's 400 by its status only, as it does against dockerd
        CommandResult attach = docker("attach", "--no-stdin", "--detach-keys", "ctrl-1", "bad-keys");
        assertThat(attach.exitCode()).isNotZero();
        assertThat(attach.stderr()).contains("received 400");
        docker("rm", "-f", "bad-keys").ok();
    }

    private static boolean running(String name) {
        return docker("inspect", "-f", "{{.State.Running}}", name).ok().strip().equals("true");
    }

    @Test
    void swarmCommandsSayTheNodeIsNotPartOfASwarm() {
        CommandResult leave = docker("swarm", "leave");
        assertThat(leave.exitCode()).isEqualTo(1);
        assertThat(leave.stderr()).contains("This node is not part of a swarm");
        CommandResult nodes = docker("node", "ls");
        assertThat(nodes.exitCode()).isEqualTo(1);
        assertThat(nodes.stderr()).contains("This node is not a swarm manager.");
    }

    @Test
    void containerPruneReportsTheSpaceOfTheLayersItRemoved() {
        docker("run", "--name", "prune-me", "busybox", "dd", "if=/dev/zero", "of=/blob", "bs=1M", "count=2")
                .ok();
        String out = docker("container", "prune", "-f").ok();
        assertThat(out).contains("Total reclaimed space: 2.0");
        assertThat(docker("ps", "-aq", "--filter", "name=prune-me").ok()).isEmpty();
    }

    @Test
    void systemDfVerboseListsContainersWithTheirSize() {
        docker("run", "--name", "df-sized", "busybox", "dd", "if=/dev/zero", "of=/blob", "bs=1k", "count=100")
                .ok();
        String df = docker("system", "df", "-v").ok();
        String containers = df.substring(df.indexOf("Containers space usage:"), df.indexOf("Local Volumes"));
        assertThat(containers).containsPattern("busybox\\s+\"dd if=/dev/zero .*\\s+0\\s+102kB\\s.*df-sized");
        docker("rm", "df-sized").ok();
    }

    /**
     * The check: a container turns healthy, then unhealthy once its check fails; the
     * events, ps and inspect agree, and the check's output is kept.
     */
    @Test
    void aHealthCheckTurnsHealthyThenUnhealthyAndEventsPsAndInspectAgree() throws Exception {
        long since = java.time.Instant.now().getEpochSecond() - 1;
        String id = docker(
                        "run",
                        "-d",
                        "--name",
                        "checked",
                        "--health-cmd",
                        "test -f /ok && echo fine",
                        "--health-interval",
                        "1s",
                        "--health-retries",
                        "2",
                        "busybox",
                        "sh",
                        "-c",
                        "touch /ok; sleep 3; rm /ok; sleep 600")
                .ok()
                .strip();
        assertThat(healthEvents(id, since, 2)).containsExactly("health_status: healthy", "health_status: unhealthy");

        assertThat(docker("ps", "--filter", "health=unhealthy", "--format", "{{.Names}} {{.Status}}")
                        .ok())
                .matches("checked Up \\d+ seconds? \\(unhealthy\\)\n");
        assertThat(docker("ps", "-q", "--filter", "health=healthy").ok()).isEmpty();
        String health =
                docker("inspect", "-f", "{{json .State.Health}}", "checked").ok();
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(health);
        assertThat(json.get("Status").asText()).isEqualTo("unhealthy");
        assertThat(json.get("FailingStreak").asInt()).isGreaterThanOrEqualTo(2);
        List<String> outputs = new java.util.ArrayList<>();
        json.get("Log")
                .forEach(r -> outputs.add(
                        r.get("ExitCode").asInt() + ":" + r.get("Output").asText()));
        assertThat(outputs).contains("0:fine\n", "1:");
        assertThat(docker("inspect", "-f", "{{json .Config.Healthcheck}}", "checked")
                        .ok()
                        .strip())
                .isEqualTo("{\"Test\":[\"CMD-SHELL\",\"test -f /ok && echo fine\"],\"Interval\":1000000000,"
                        + "\"Retries\":2}");
        docker("rm", "-f", "checked").ok();
    }

    /** An image's HEALTHCHECK (here from a commit) runs unless --no-healthcheck; run's flags override it. */
    @Test
    void theImagesHealthCheckRunsUnlessTurnedOff() throws Exception {
        docker(
                        "create",
                        "--name",
                        "hc-base",
                        "--health-cmd",
                        "echo from-image",
                        "--health-interval",
                        "1s",
                        "--health-timeout",
                        "5s",
                        "--health-start-period",
                        "30s",
                        "--health-start-interval",
                        "1s",
                        "busybox")
                .ok();
        docker("commit", "hc-base", "checked:image").ok();
        docker("rm", "hc-base").ok();
        assertThat(docker("image", "inspect", "-f", "{{json .Config.Healthcheck}}", "checked:image")
                        .ok()
                        .strip())
                .isEqualTo("{\"Test\":[\"CMD-SHELL\",\"echo from-image\"],\"Interval\":1000000000,"
                        + "\"Timeout\":5000000000,\"StartPeriod\":30000000000,\"StartInterval\":1000000000}");

        long since = java.time.Instant.now().getEpochSecond() - 1;
        String id = docker("run", "-d", "--health-retries", "5", "checked:image", "sleep", "600")
                .ok()
                .strip();
        assertThat(healthEvents(id, since, 1)).containsExactly("health_status: healthy");
        assertThat(docker("inspect", "-f", "{{.Config.Healthcheck.Retries}} {{(index .State.Health.Log 0).Output}}", id)
                        .ok())
                .isEqualTo("5 from-image\n\n");

        String off = docker("run", "-d", "--no-healthcheck", "checked:image", "sleep", "600")
                .ok()
                .strip();
        assertThat(docker("inspect", "-f", "{{json .Config.Healthcheck.Test}} {{json .State.Health}}", off)
                        .ok()
                        .strip())
                .isEqualTo("[\"NONE\"] null");
        assertThat(docker("ps", "-q", "--no-trunc", "--filter", "health=none").ok())
                .contains(off);
        docker("rm", "-f", id, off).ok();
        CommandResult bad = docker("run", "--health-interval", "1ns", "--health-cmd", "true", "busybox");
        assertThat(bad.stderr()).contains("Interval in Healthcheck cannot be less than 1ms");
    }

    @Test
    void updateChangesTheLiveLimitsOfARunningContainerAndItsRestartPolicy() {
        docker("run", "-d", "--name", "updated", "busybox", "sleep", "600").ok();
        docker(
                        "update",
                        "--memory",
                        "64m",
                        "--memory-swap",
                        "128m",
                        "--cpus",
                        "0.5",
                        "--pids-limit",
                        "50",
                        "--restart",
                        "on-failure:3",
                        "updated")
                .ok();
        assertThat(docker(
                                "exec",
                                "updated",
                                "cat",
                                "/sys/fs/cgroup/memory/memory.limit_in_bytes",
                                "/sys/fs/cgroup/cpu/cpu.cfs_quota_us",
                                "/sys/fs/cgroup/pids/pids.max")
                        .ok())
                .isEqualTo("67108864\n50000\n50\n");
        assertThat(docker(
                                "inspect",
                                "-f",
                                "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}} "
                                        + "{{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}}:"
                                        + "{{.HostConfig.RestartPolicy.MaximumRetryCount}}",
                                "updated")
                        .ok())
                .isEqualTo("67108864 134217728 500000000 50 on-failure:3\n");
        // a raise of memory and swap together is written in the order the kernel takes
        docker("update", "--memory", "256m", "--memory-swap", "512m", "updated").ok();
        assertThat(docker("exec", "updated", "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes")
                        .ok())
                .isEqualTo("268435456\n");
        assertThat(docker("update", "--memory", "1g", "updated").stderr())
                .contains("Memory limit should be smaller than already set memoryswap limit");
        assertThat(docker("update", "--blkio-weight", "300", "updated").stderr())
                .contains("UpdateConfig.BlkioWeight is not supported by Berth");
        docker("rm", "-f", "updated").ok();
    }

    @Test
    void updateOfAStoppedContainerTakesEffectAtItsStart() {
        docker("create", "--name", "updated-later", "busybox", "cat", "/sys/fs/cgroup/pids/pids.max")
                .ok();
        docker("update", "--pids-limit", "42", "updated-later").ok();
        assertThat(docker("start", "-a", "updated-later").ok()).isEqualTo("42\n");
        docker("rm", "updated-later").ok();
    }

    /** {@code --group-add}: the groups, by name or gid, of the container's processes and its execs. */
    @Test
    void addedGroupsAreThoseOfTheProcessAndItsExecsAndInspectShowsThem() {
        docker(
                        "run",
                        "-d",
                        "--name",
                        "grouped",
                        "--group-add",
                        "audio",
                        "--group-add",
                        "4242",
                        "busybox",
                        "sleep",
                        "600")
                .ok();
        assertThat(docker("exec", "grouped", "id", "-G").ok()).isEqualTo("0 10 29 4242\n");
        assertThat(docker("exec", "grouped", "grep", "Groups", "/proc/1/status").ok())
                .isEqualTo("Groups:\t10 29 4242 \n");
        assertThat(docker("inspect", "-f", "{{json .HostConfig.GroupAdd}}", "grouped")
                        .ok()
                        .strip())
                .isEqualTo("[\"audio\",\"4242\"]");
        docker("rm", "-f", "grouped").ok();

        // a start that fails before the process exists removes an AutoRemove container all the
        // same: the CLI's run --rm waits for that removal
        CommandResult unknown = docker("run", "--rm", "--name", "ghostly", "--group-add", "ghosts", "busybox", "true");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.stderr()).contains("Unable to find group ghosts: no matching entries in group file");
        assertThat(docker("ps", "-aq", "--filter", "name=ghostly").ok()).isEmpty();
    }

    /**
     * {@code --device}: the host's node, with its numbers, under the name asked for, and shown by
     * inspect; a path that is no device is refused at start with dockerd's message.
     */
    @Test
    void devicesAreTheHostsNodesInTheContainer() throws Exception {
        String fuse = docker(
                        "run",
                        "--rm",
                        "--device",
                        "/dev/fuse",
                        "--device",
                        "/dev/null:/dev/other-null:r",
                        "busybox",
                        "sh",
                        "-c",
                        "stat -c '%F %t:%T %a' /dev/fuse /dev/other-null")
                .ok();
        assertThat(fuse).isEqualTo("character special file a:e5 600\ncharacter special file 1:3 666\n");
        // the devices cgroup lets the node be opened (fuse answers a read with EIO until mounted)
        assertThat(docker("run", "--rm", "--device", "/dev/fuse", "busybox", "head", "-c1", "/dev/fuse")
                        .stderr())
                .contains("Input/output error");
        docker("create", "--name", "with-device", "--device", "/dev/fuse:/dev/f:rw", "busybox")
                .ok();
        assertThat(docker("inspect", "-f", "{{json .HostConfig.Devices}}", "with-device")
                        .ok()
                        .strip())
                .isEqualTo(
                        "[{\"PathOnHost\":\"/dev/fuse\",\"PathInContainer\":\"/dev/f\",\"CgroupPermissions\":\"rw\"}]");
        docker("rm", "with-device").ok();

        Path notADevice = Files.writeString(daemon.scratch().resolve("plain-file"), "");
        CommandResult refused = docker("run", "--rm", "--device", notADevice.toString(), "busybox", "true");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr())
                .contains("error gathering device information while adding custom device \"" + notADevice
                        + "\": not a device node");
    }

    /**
     * {@code --device-cgroup-rule}: the devices cgroup lets the container use the nodes a rule
     * names (a node it made itself here), and inspect shows the rules.
     */
    @Test
    void deviceCgroupRulesLetTheContainerUseTheNodesTheyName() {
        String script = "mknod /fuse c 10 229 && head -c1 /fuse";
        assertThat(docker("run", "--rm", "busybox", "sh", "-c", script).stderr())
                .contains("Operation not permitted");
        assertThat(docker("run", "--rm", "--device-cgroup-rule", "c 10:* rw", "busybox", "sh", "-c", script)
                        .stderr())
                .contains("Input/output error");
        docker("create", "--name", "ruled", "--device-cgroup-rule", "c 10:229 rw", "busybox")
                .ok();
        assertThat(docker("inspect", "-f", "{{json .HostConfig.DeviceCgroupRules}}", "ruled")
                        .ok()
                        .strip())
                .isEqualTo("[\"c 10:229 rw\"]");
        docker("rm", "ruled").ok();
    }

    /**
     * {@code --device-read-bps} and its siblings: the limits are the container's blkio cgroup's
     * (io.max on cgroup v2), and inspect shows them.
     */
    @Test
    void blockIoLimitsAreThoseOfTheContainersCgroup() throws Exception {
        String disk;
        try (var names = Files.list(Path.of("/sys/block"))) {
            disk = names.map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("loop") && !n.startsWith("ram") && !n.startsWith("zram"))
                    .sorted()
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no disk in /sys/block"));
        }
        String numbers = Files.readString(Path.of("/sys/block", disk, "dev")).strip();
        docker(
                        "run",
                        "-d",
                        "--name",
                        "throttled",
                        "--device-read-bps",
                        "/dev/" + disk + ":1mb",
                        "--device-write-iops",
                        "/dev/" + disk + ":100",
                        "busybox",
                        "sleep",
                        "600")
                .ok();
        String pid = docker("inspect", "-f", "{{.State.Pid}}", "throttled").ok().strip();
        List<String> cgroups = Files.readAllLines(Path.of("/proc", pid, "cgroup"));
        String v1 = cgroups.stream()
                .filter(l -> l.split(":", 3)[1].equals("blkio"))
                .map(l -> l.split(":", 3)[2])
                .findFirst()
                .orElse(null);
        if (v1 != null) {
            Path blkio = Path.of("/sys/fs/cgroup/blkio" + v1);
            assertThat(Files.readString(blkio.resolve("blkio.throttle.read_bps_device")))
                    .isEqualTo(numbers + " 1048576\n");
            assertThat(Files.readString(blkio.resolve("blkio.throttle.write_iops_device")))
                    .isEqualTo(numbers + " 100\n");
        } else {
            String unified = cgroups.getFirst().split(":", 3)[2];
            assertThat(Files.readString(Path.of("/sys/fs/cgroup" + unified, "io.max")))
                    .isEqualTo(numbers + " rbps=1048576 wbps=max riops=max wiops=100\n");
        }
        assertThat(docker("inspect", "-f", "{{json .HostConfig.BlkioDeviceReadBps}}", "throttled")
                        .ok()
                        .strip())
                .isEqualTo("[{\"Path\":\"/dev/" + disk + "\",\"Rate\":1048576}]");
        docker("rm", "-f", "throttled").ok();
    }

    /** A setting Berth does not apply is refused, naming it, never accepted and dropped. */
    @Test
    void hostConfigFieldsBerthDoesNotApplyAreRefusedByName() {
        for (List<String> flags : List.of(List.of("--oom-score-adj", "5"), List.of("--cgroupns", "host"))) {
            List<String> args = new java.util.ArrayList<>(List.of("create"));
            args.addAll(flags);
            args.add("busybox");
            CommandResult r = docker(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(flags.toString()).isNotZero();
            assertThat(r.stderr()).as(flags.toString()).containsPattern("HostConfig\\.\\w+ is not supported by Berth");
        }
        // the values Berth always has are fine to name
        assertThat(docker("run", "--rm", "--cgroupns", "private", "--isolation", "default", "busybox", "echo", "ok")
                        .ok())
                .isEqualTo("ok\n");
    }

    /** The networking fields of HostConfig are applied, so they are taken and shown as given, not refused. */
    @Test
    void hostConfigNetworkingFieldsAreAcceptedAndEchoed() {
        docker(
                        "create",
                        "--name",
                        "net-echo",
                        "-p",
                        "127.0.0.1::80",
                        "-P",
                        "--dns",
                        "127.0.0.1",
                        "--dns-search",
                        "example.test",
                        "--dns-option",
                        "ndots:2",
                        "--add-host",
                        "db.test:10.0.0.9",
                        "--pid",
                        "host",
                        "--ipc",
                        "shareable",
                        "--uts",
                        "host",
                        "--userns",
                        "host",
                        "busybox")
                .ok();
        String shown = docker(
                        "inspect",
                        "-f",
                        "{{json .HostConfig.PortBindings}} {{.HostConfig.PublishAllPorts}} {{.HostConfig.Dns}}"
                                + " {{.HostConfig.DnsSearch}} {{.HostConfig.DnsOptions}} {{.HostConfig.ExtraHosts}}"
                                + " {{.HostConfig.PidMode}} {{.HostConfig.IpcMode}} {{.HostConfig.UTSMode}}"
                                + " {{.HostConfig.UsernsMode}}",
                        "net-echo")
                .ok()
                .trim();
        assertThat(shown)
                .isEqualTo("{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}]} true [127.0.0.1]"
                        + " [example.test] [ndots:2] [db.test:10.0.0.9] host shareable host host");
        docker("rm", "net-echo").ok();
    }

    /** The first {@code count} health_status events of container {@code id} since {@code since}, as they come. */
    private static List<String> healthEvents(String id, long since, int count) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        "docker",
                        "events",
                        "--since",
                        Long.toString(since),
                        "--filter",
                        "container=" + id,
                        "--filter",
                        "event=health_status",
                        "--format",
                        "{{.Action}}")
                .redirectErrorStream(true);
        builder.environment().put("DOCKER_HOST", daemon.host());
        Process events = builder.start();
        events.getOutputStream().close();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(events.getInputStream()))) {
            List<String> seen = new java.util.ArrayList<>();
            while (seen.size() < count) {
                String line = lines.readLine();
                if (line == null) {
                    break;
                }
                seen.add(line);
            }
            return seen;
        } finally {
            events.destroy();
        }
    }
}
