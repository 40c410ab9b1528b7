package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.MountTable;
import dev.berth.testing.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Volumes through the real docker CLI (and the berth CLI) against a Berth daemon: create, ls,
 * inspect, rm, data that outlives containers, copy-up from the image, anonymous volumes and
 * {@code rm -v}, removal of a volume in use, prune, {@code --mount}, {@code --volumes-from},
 * driver options, the start-up check, and {@code berth run -it} in a tmux terminal.
 */
class VolumeDockerCliIT {
    private static BerthDaemon daemon;

    @BeforeAll
    static void startDaemon() {
        daemon = BerthDaemon.start();
        daemon.bootstrapBusybox();
        // an image with content at a VOLUME path, owned by 1000:1000 with mode 750
        docker(
                        "run",
                        "--name",
                        "volimg-src",
                        "busybox",
                        "sh",
                        "-c",
                        "mkdir -p /data && echo seeded > /data/seed && chown 1000:1000 /data && chmod 750 /data")
                .ok();
        docker("commit", "--change", "VOLUME /data", "volimg-src", "volimg").ok();
        docker("rm", "volimg-src").ok();
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @AfterEach
    void removeContainersAndVolumes() {
        daemon.removeAllContainers();
        for (String v : volumes()) {
            docker("volume", "rm", v);
        }
    }

    private static CommandResult docker(String... args) {
        return daemon.docker(args);
    }

    private static List<String> volumes() {
        return docker("volume", "ls", "-q")
                .ok()
                .lines()
                .filter(l -> !l.isBlank())
                .toList();
    }

    @Test
    void createListInspectAndRemove() {
        assertThat(docker("volume", "create", "--label", "team=a", "data1").ok())
                .isEqualTo("data1\n");
        assertThat(docker("volume", "ls", "--format", "{{.Driver}} {{.Name}}")
                        .ok()
                        .lines())
                .contains("local data1");
        String inspect = docker(
                        "volume",
                        "inspect",
                        "-f",
                        "{{.Name}} {{.Driver}} {{.Scope}} {{.Labels.team}} {{.Mountpoint}}",
                        "data1")
                .ok()
                .trim();
        Path mountpoint = daemon.dataRoot().resolve("volumes/data1/_data");
        assertThat(inspect).isEqualTo("data1 local local a " + mountpoint);
        assertThat(mountpoint).isDirectory();
        assertThat(docker("volume", "ls", "-q", "--filter", "label=team=a").ok().lines())
                .containsExactly("data1");
        assertThat(docker("volume", "ls", "-q", "--filter", "label=team=b").ok())
                .isBlank();
        assertThat(docker("volume", "rm", "data1").ok()).isEqualTo("data1\n");
        assertThat(volumes()).doesNotContain("data1");
        assertThat(daemon.dataRoot().resolve("volumes/data1")).doesNotExist();
        CommandResult missing = docker("volume", "inspect", "data1");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("get data1: no such volume");
        assertThat(docker("volume", "rm", "-f", "data1").exitCode()).isZero();
    }

    @Test
    void createWithoutNameIsAnonymousAndBadRequestsLeaveNothing() {
        String name = docker("volume", "create").ok().trim();
        assertThat(name).matches("[0-9a-f]{64}");
        assertThat(docker("volume", "inspect", "-f", "{{json .Labels}}", name).ok())
                .contains("com.docker.volume.anonymous");
        CommandResult plugin = docker("volume", "create", "-d", "nosuchdriver", "v1");
        assertThat(plugin.stderr()).contains("plugin \"nosuchdriver\" not found");
        CommandResult option = docker("volume", "create", "-o", "bogus=1", "v2");
        assertThat(option.stderr()).contains("invalid option: \"bogus\"");
        CommandResult badName = docker("volume", "create", "bad@name");
        assertThat(badName.stderr()).contains("includes invalid characters for a local volume name");
        assertThat(volumes()).containsExactly(name);
        try (var dirs = Files.list(daemon.dataRoot().resolve("volumes"))) {
            assertThat(dirs.map(p -> p.getFileName().toString()).toList()).containsExactly(name);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void dataPersistsAcrossContainersAndVolumeIsMadeOnFirstUse() {
        docker("run", "--rm", "-v", "keep:/data", "busybox", "sh", "-c", "echo first > /data/f")
                .ok();
        assertThat(volumes()).contains("keep");
        assertThat(docker("run", "--rm", "-v", "keep:/other", "busybox", "cat", "/other/f")
                        .ok())
                .isEqualTo("first\n");
        assertThat(docker(
                                "run",
                                "--rm",
                                "--mount",
                                "type=volume,src=keep,dst=/m,readonly",
                                "busybox",
                                "sh",
                                "-c",
                                "cat /m/f; touch /m/x")
                        .stderr())
                .contains("Read-only file system");
        assertThat(docker("run", "--rm", "-v", "keep:/data:ro", "busybox", "touch", "/data/y")
                        .exitCode())
                .isNotZero();
    }

    @Test
    void newVolumeIsFilledFromTheImageAndAnExistingOneIsNot() {
        String named = docker(
                        "run",
                        "--rm",
                        "-v",
                        "filled:/data",
                        "volimg",
                        "sh",
                        "-c",
                        "stat -c '%u:%g %a' /data; cat /data/seed")
                .ok();
        assertThat(named).isEqualTo("1000:1000 750\nseeded\n");
        String anonymous = docker("run", "--rm", "volimg", "cat", "/data/seed").ok();
        assertThat(anonymous).isEqualTo("seeded\n");
        docker("run", "--rm", "-v", "own:/data", "busybox", "sh", "-c", "echo mine > /data/mine")
                .ok();
        assertThat(docker("run", "--rm", "-v", "own:/data", "volimg", "ls", "/data")
                        .ok())
                .isEqualTo("mine\n");
        assertThat(docker("run", "--rm", "-v", "empty:/data:nocopy", "volimg", "ls", "-A", "/data")
                        .ok())
                .isEmpty();
    }

    @Test
    void anonymousVolumesGoWithRmVAndStayWithout() {
        String withV = docker("create", "-v", "/scratch", "-v", "named:/named", "volimg", "true")
                .ok()
                .trim();
        List<String> made = volumes();
        assertThat(made).hasSize(3).contains("named");
        docker("rm", "-v", withV).ok();
        assertThat(volumes()).containsExactly("named");

        String without = docker("create", "volimg", "true").ok().trim();
        String anon = docker("inspect", "-f", "{{range .Mounts}}{{.Name}}{{end}}", without)
                .ok()
                .trim();
        docker("rm", without).ok();
        assertThat(volumes()).contains(anon, "named");

        docker("run", "--rm", "volimg", "true").ok();
        assertThat(volumes()).containsExactlyInAnyOrder(anon, "named");
    }

    @Test
    void inspectShowsVolumeMounts() {
        String id = docker("create", "-v", "shown:/data", "--mount", "type=tmpfs,dst=/t", "busybox", "true")
                .ok()
                .trim();
        String mounts = docker(
                        "inspect",
                        "-f",
                        "{{range .Mounts}}{{.Type}}|{{.Name}}|{{.Source}}|{{.Destination}}|{{.Driver}}|{{.Mode}}|{{.RW}}|{{.Propagation}};{{end}}",
                        id)
                .ok()
                .trim();
        assertThat(mounts)
                .isEqualTo("volume|shown|" + daemon.dataRoot().resolve("volumes/shown/_data")
                        + "|/data|local|z|true|;tmpfs|||/t|||true|;");
    }

    @Test
    void volumeInUseByAStoppedContainerCannotBeRemoved() {
        String id = docker("create", "-v", "busy:/data", "busybox", "true").ok().trim();
        CommandResult r = docker("volume", "rm", "busy");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("remove busy: volume is in use - [" + id + "]");
        assertThat(docker("volume", "rm", "-f", "busy").exitCode()).isNotZero();
        docker("rm", id).ok();
        docker("volume", "rm", "busy").ok();
    }

    @Test
    void pruneRemovesUnusedAnonymousVolumesAndWithAllNamedOnes() {
        docker("volume", "create", "named-unused").ok();
        docker("create", "-v", "named-used:/d", "busybox", "true").ok();
        String anon = docker("volume", "create").ok().trim();
        String pruned = docker("volume", "prune", "-f").ok();
        assertThat(pruned).contains(anon).doesNotContain("named-unused").doesNotContain("named-used");
        assertThat(volumes()).containsExactlyInAnyOrder("named-unused", "named-used");
        assertThat(docker("volume", "ls", "-q", "--filter", "dangling=true")
                        .ok()
                        .lines())
                .containsExactly("named-unused");
        String all = docker("volume", "prune", "-f", "--all").ok();
        assertThat(all).contains("named-unused").doesNotContain("named-used");
        assertThat(volumes()).containsExactly("named-used");
    }

    @Test
    void volumesFromSharesTheOtherContainersMounts() throws Exception {
        Path host = Files.createDirectories(daemon.scratch().resolve("shared-host"));
        Files.writeString(host.resolve("h"), "from-host\n");
        docker("create", "--name", "source", "-v", "vf:/v", "-v", host + ":/h", "busybox", "true")
                .ok();
        docker("run", "--rm", "-v", "vf:/v", "busybox", "sh", "-c", "echo from-volume > /v/f")
                .ok();
        assertThat(docker("run", "--rm", "--volumes-from", "source", "busybox", "cat", "/v/f", "/h/h")
                        .ok())
                .isEqualTo("from-volume\nfrom-host\n");
        assertThat(docker("run", "--rm", "--volumes-from", "source:ro", "busybox", "touch", "/v/x")
                        .stderr())
                .contains("Read-only file system");
    }

    /**
     * docker cp on a container that is not running reaches its volumes and binds, as Docker's does,
     * and leaves the host's mounts alone: the bound directory is a shared mount (as / is under
     * systemd) with a mount below it, which the copy's clean-up must not unmount on the host.
     */
    @Test
    void cpOnAStoppedContainerSeesItsVolumesAndBinds() throws Exception {
        Path host = Files.createDirectories(daemon.scratch().resolve("cp-bind"));
        Files.writeString(host.resolve("b"), "in-bind\n");
        Path sub = Files.createDirectories(host.resolve("sub"));
        for (List<String> cmd : List.of(
                List.of("mount", "--bind", host.toString(), host.toString()),
                List.of("mount", "--make-shared", host.toString()),
                List.of("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", sub.toString()))) {
            Commands.run(cmd, Map.of(), null).ok();
        }
        Path in = daemon.scratch().resolve("cp-in.txt");
        Files.writeString(in, "copied-in\n");
        Path out = daemon.scratch().resolve("cp-out.txt");
        String id = docker("create", "-v", "cpvol:/data", "-v", host + ":/hb:ro", "busybox", "true")
                .ok()
                .trim();
        try {
            docker("cp", in.toString(), id + ":/data/").ok();
            docker("cp", id + ":/hb/b", out.toString()).ok();
            assertThat(Files.readString(out)).isEqualTo("in-bind\n");
            assertThat(docker("run", "--rm", "-v", "cpvol:/data", "busybox", "cat", "/data/cp-in.txt")
                            .ok())
                    .isEqualTo("copied-in\n");
            assertThat(docker("cp", in.toString(), id + ":/hb/").stderr())
                    .contains("mounted volume is marked read-only");
            assertThat(host.resolve("cp-in.txt")).doesNotExist();
            // export is the container's own filesystem: no volume or bind contents (Docker's too)
            Path exported = daemon.scratch().resolve("cp-export.tar");
            docker("export", "-o", exported.toString(), id).ok();
            assertThat(Commands.run(List.of("tar", "-tf", exported.toString()), Map.of(), null)
                            .ok())
                    .contains("bin/busybox")
                    .doesNotContain("cp-in.txt")
                    .doesNotContain("hb/b");
            assertThat(MountTable.under(daemon.execRoot()).stream().filter(m -> m.contains("/mnt-")))
                    .isEmpty();
            assertThat(MountTable.under(daemon.dataRoot()).stream().filter(m -> m.contains("/mnt-")))
                    .isEmpty();
            assertThat(MountTable.under(host)).as("the host's own mounts").contains(sub.toString());
        } finally {
            docker("rm", "-f", id);
            MountTable.detachAllUnder(host);
        }
    }

    /** As Docker's: a read-only root filesystem still takes files into a writable volume. */
    @Test
    void cpIntoAReadOnlyContainerReachesOnlyItsWritableVolumes() throws Exception {
        Path in = daemon.scratch().resolve("ro-in.txt");
        Files.writeString(in, "into-volume\n");
        String id = docker("create", "--read-only", "-v", "rovol:/data", "busybox", "true")
                .ok()
                .trim();
        try {
            docker("cp", in.toString(), id + ":/data/").ok();
            assertThat(docker("run", "--rm", "-v", "rovol:/data", "busybox", "cat", "/data/ro-in.txt")
                            .ok())
                    .isEqualTo("into-volume\n");
            assertThat(docker("cp", in.toString(), id + ":/tmp/").stderr())
                    .contains("container rootfs is marked read-only");
        } finally {
            docker("rm", "-f", id);
        }
    }

    @Test
    void tmpfsVolumeFromDriverOptionsIsSharedAndUnmountedOnRemoval() {
        docker("volume", "create", "--opt", "type=tmpfs", "--opt", "device=tmpfs", "--opt", "o=size=2m", "tv")
                .ok();
        assertThat(docker("run", "--rm", "-v", "tv:/tv", "busybox", "sh", "-c", "echo kept > /tv/a; df -k /tv")
                        .ok())
                .contains("2048");
        assertThat(docker("run", "--rm", "-v", "tv:/tv", "busybox", "cat", "/tv/a")
                        .ok())
                .isEqualTo("kept\n");
        docker("volume", "rm", "tv").ok();
        assertThat(MountTable.under(daemon.dataRoot().resolve("volumes"))).isEmpty();
    }

    @Test
    void systemDfCountsVolumes() {
        docker("run", "--rm", "-v", "sized:/d", "busybox", "sh", "-c", "head -c 5000 /dev/zero > /d/f")
                .ok();
        assertThat(docker("system", "df", "-v").ok().lines()).anyMatch(l -> l.matches("sized\\s+0\\s+5kB"));
    }

    @Test
    void startUpCheckRemovesDirectoriesWithoutARowAndRepairsMissingOnes() throws Exception {
        docker("volume", "create", "survivor").ok();
        docker("volume", "create", "hollow").ok();
        Path volumesDir = daemon.dataRoot().resolve("volumes");
        Files.createDirectories(volumesDir.resolve("stray/_data"));
        Files.createDirectories(volumesDir.resolve(".new-0123456789abcdef/_data"));
        daemon.kill();
        dev.berth.it.Commands.run(
                        List.of("rm", "-rf", volumesDir.resolve("hollow").toString()), Map.of(), null)
                .ok();
        daemon.restart();
        assertThat(volumesDir.resolve("stray")).doesNotExist();
        assertThat(volumesDir.resolve(".new-0123456789abcdef")).doesNotExist();
        assertThat(volumesDir.resolve("hollow/_data")).isDirectory();
        assertThat(volumes()).containsExactlyInAnyOrder("survivor", "hollow");
        assertThat(daemon.logText()).contains(volumesDir.resolve("hollow/_data").toString());
    }

    @Test
    void berthCliManagesVolumes() {
        assertThat(daemon.berth("volume", "create", "--label", "k=v", "bv").ok())
                .isEqualTo("bv\n");
        assertThat(daemon.berth("volume", "ls").ok())
                .contains("DRIVER")
                .contains("VOLUME NAME")
                .contains("bv");
        assertThat(daemon.berth("volume", "inspect", "-f", "{{.Name}} {{.Labels.k}}", "bv")
                        .ok())
                .isEqualTo("bv v\n");
        daemon.berth("run", "--rm", "-v", "bv:/d", "busybox", "sh", "-c", "echo via-berth > /d/f")
                .ok();
        assertThat(docker("run", "--rm", "-v", "bv:/d", "busybox", "cat", "/d/f")
                        .ok())
                .isEqualTo("via-berth\n");
        String anon = daemon.berth("volume", "create").ok().trim();
        assertThat(daemon.berth("volume", "prune", "-f").ok()).contains(anon);
        CommandResult rm = daemon.berth("volume", "rm", "bv", "nosuch");
        assertThat(rm.exitCode()).isEqualTo(1);
        assertThat(rm.stdout()).isEqualTo("bv\n");
        assertThat(rm.stderr()).contains("no such volume");
        assertThat(volumes()).isEmpty();
    }

    @Test
    void berthRunInteractiveTerminalInTmux() throws Exception {
        Prerequisites.requireProgram("tmux", "apt-get install tmux");
        String socket = "berth-it-" + ProcessHandle.current().pid();
        Path done = daemon.scratch().resolve("tty-exit");
        List<String> berth = BerthDaemon.javaCommand();
        String command = "DOCKER_HOST=" + daemon.host() + " " + String.join(" ", berth)
                + " run -it --rm busybox sh; echo $? > " + done + "; sleep 60";
        try {
            tmux(socket, "new-session", "-d", "-s", "it", "-x", "100", "-y", "30", command)
                    .ok();
            awaitPane(socket, "/ #");
            tmux(socket, "resize-window", "-t", "it", "-x", "120", "-y", "40").ok();
            Thread.sleep(500);
            tmux(socket, "send-keys", "-t", "it", "stty size; echo inside-$((6*7))", "Enter")
                    .ok();
            String pane = awaitPane(socket, "inside-42");
            assertThat(pane).contains("40 120");
            tmux(socket, "send-keys", "-t", "it", "exit 4", "Enter").ok();
            for (int i = 0; i < 100 && !Files.exists(done); i++) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(done).trim()).isEqualTo("4");
        } finally {
            tmux(socket, "kill-server");
        }
    }

    private static CommandResult tmux(String socket, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("tmux", "-L", socket));
        command.addAll(Arrays.asList(args));
        return Commands.run(command, Map.of(), null);
    }

    private static String awaitPane(String socket, String text) throws InterruptedException {
        String pane = "";
        for (int i = 0; i < 300 && !pane.contains(text); i++) {
            Thread.sleep(100);
            pane = tmux(socket, "capture-pane", "-p", "-t", "it").stdout();
        }
        assertThat(pane).as("tmux pane").contains(text);
        return pane;
    }
}
