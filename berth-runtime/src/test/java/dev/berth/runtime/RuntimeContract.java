package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import dev.berth.runtime.cgroup.CgroupDriver;
import dev.berth.runtime.cgroup.Cgroups;
import dev.berth.runtime.spec.Caps;
import dev.berth.runtime.spec.Spec;
import dev.berth.runtime.spec.SpecBuilder;
import dev.berth.testing.Busybox;
import dev.berth.testing.MountTable;
import dev.berth.testing.Prerequisites;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees of a container, the same under every runtime: each subclass runs these
 * against one {@link ContainerRuntime}. Needs root, namespaces and cgroups.
 */
public abstract class RuntimeContract {
    protected static CgroupDriver cgroups;
    /** This test class's own cgroup parent, removed afterwards; the host's cgroups stay untouched. */
    protected static String cgroupParent;

    protected static Path rootfs;

    @TempDir
    static Path shared;

    @TempDir
    Path state;

    protected ContainerRuntime runtime;

    protected abstract ContainerRuntime newRuntime(Path work);

    @BeforeAll
    static void prepare() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireBusybox();
        cgroups = Cgroups.detect();
        cgroupParent = "/berth-test-" + UUID.randomUUID().toString().substring(0, 8);
        rootfs = Busybox.bundleRootfs(shared.resolve("rootfs"));
        // a file without execute bits, for the 126 case
        Path notExec = rootfs.resolve("notexec");
        Files.writeString(notExec, "#!/bin/sh\necho should not run\n");
        Files.setPosixFilePermissions(notExec, PosixFilePermissions.fromString("rw-r--r--"));
    }

    @AfterAll
    static void removeCgroupParent() {
        if (cgroups != null && cgroupParent != null) {
            cgroups.open(cgroupParent).remove();
        }
    }

    @BeforeEach
    void newRuntimeForTest() {
        runtime = newRuntime(state.resolve("runtime"));
    }

    protected record Result(ExitStatus status, String stdout, String stderr) {}

    protected SpecBuilder spec(String... args) {
        return SpecBuilder.dockerDefaults()
                .args(args)
                .rootPath(rootfs.toString())
                .hostname("berth-test");
    }

    protected ContainerProcess create(Spec spec, String id) throws IOException {
        Path dir = state.resolve(id);
        Files.createDirectories(dir);
        Stdio stdio = new Stdio(null, dir.resolve("stdout"), dir.resolve("stderr"));
        return runtime.create(new ContainerRequest(id, spec, null, stdio, false, dir.resolve("state")));
    }

    protected Result run(Spec spec) throws Exception {
        String id = "c" + UUID.randomUUID().toString().substring(0, 12);
        ContainerProcess c = create(spec, id);
        c.start();
        ExitStatus status = c.exit().get(60, TimeUnit.SECONDS);
        c.delete();
        return new Result(
                status,
                read(state.resolve(id).resolve("stdout")),
                read(state.resolve(id).resolve("stderr")));
    }

    protected static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    @Test
    void exitCodeIsTheCommands() throws Exception {
        assertThat(run(spec("true").build()).status().exitCode()).isZero();
        Result r = run(spec("sh", "-c", "echo out; echo err >&2; exit 3").build());
        assertThat(r.status().exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).contains("err\n");
    }

    @Test
    void terminalGivesAPtyWithTheRequestedSize() throws Exception {
        Result r = run(spec("sh", "-c", "tty; stty size")
                .terminal(true)
                .consoleSize(30, 100)
                .build());
        assertThat(r.stdout().replace("\r", "")).isEqualTo("/dev/pts/0\n30 100\n");
    }

    @Test
    void initRunsTheCommandAsChildOfAReaper() throws Exception {
        String id = "withinit";
        Path dir = state.resolve(id);
        Files.createDirectories(dir);
        ContainerProcess c = runtime.create(new ContainerRequest(
                id,
                spec("sh", "-c", "echo $$; exit 5").build(),
                null,
                new Stdio(null, dir.resolve("out"), dir.resolve("err")),
                true,
                dir.resolve("state")));
        c.start();
        assertThat(c.exit().get(30, TimeUnit.SECONDS).exitCode()).isEqualTo(5);
        // not pid 1: the reaper is (its exact pid differs: runc's Go threads take pids first)
        assertThat(Files.readString(dir.resolve("out"))).matches("([2-9]|[1-9][0-9]+)\n");
    }

    @Test
    void missingExecutableFailsWith127LikeDocker() throws Exception {
        ContainerProcess c = create(spec("nosuch").build(), "missing");
        assertThatThrownBy(c::start)
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("exec: \"nosuch\": executable file not found in $PATH");
        assertThat(c.exit().get(30, TimeUnit.SECONDS).exitCode()).isEqualTo(127);
    }

    @Test
    void notExecutableFailsWith126() throws Exception {
        ContainerProcess c = create(spec("/notexec").build(), "notexec");
        assertThatThrownBy(c::start).isInstanceOf(BerthException.class).hasMessageContaining("permission denied");
        assertThat(c.exit().get(30, TimeUnit.SECONDS).exitCode()).isEqualTo(126);
    }

    @Test
    void psShowsOnlyTheContainerWithItsCommandAsPid1() throws Exception {
        Result r = run(spec("ps", "-o", "pid,comm").build());
        assertThat(r.stdout().strip().lines().map(String::strip).toList()).containsExactly("PID   COMMAND", "1 ps");
    }

    @Test
    void hasItsOwnHostnameAndNoNetworkButLoopback() throws Exception {
        Result r = run(spec("sh", "-c", "hostname; ls /sys/class/net").build());
        assertThat(r.stdout()).isEqualTo("berth-test\nlo\n");
    }

    @Test
    void procSysIsReadOnlyAndKcoreMasked() throws Exception {
        Result r = run(spec("sh", "-c", "echo x > /proc/sys/kernel/domainname; echo rc=$?; wc -c < /proc/keys")
                .build());
        assertThat(r.stderr()).contains("Read-only file system");
        assertThat(r.stdout()).contains("rc=1").contains("\n0\n");
    }

    @Test
    void mountIsNotAllowed() throws Exception {
        Result r = run(spec("mount", "-t", "tmpfs", "none", "/tmp").build());
        assertThat(r.status().exitCode()).isNotZero();
        assertThat(r.stderr()).contains("mount: permission denied");
    }

    @Test
    void capabilitiesAreDockersDefaultSet() throws Exception {
        Result r = run(
                spec("grep", "-E", "^Cap(Eff|Bnd|Prm):", "/proc/self/status").build());
        String expected = "%016x".formatted(Caps.mask(Caps.DOCKER_DEFAULT));
        assertThat(r.stdout().lines().map(l -> l.split("\\s+")[1]).toList()).containsOnly(expected);
    }

    @Test
    void capDropAndNonRootUser() throws Exception {
        Result r = run(spec("sh", "-c", "id -u; grep CapEff /proc/self/status; chown 0 /tmp")
                .capDrop(List.of("CHOWN"))
                .user(65534, 65534, List.of())
                .build());
        assertThat(r.stdout()).startsWith("65534\nCapEff:\t0000000000000000\n");
        assertThat(r.stderr()).contains("Operation not permitted");
    }

    @Test
    void privilegedGetsEveryCapabilityTheDaemonHolds() throws Exception {
        long held = Caps.heldBounding();
        Result r = run(spec("grep", "CapEff", "/proc/self/status")
                .privileged(true, held)
                .build());
        assertThat(r.status().exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("CapEff:\t%016x\n".formatted(held));
    }

    @Test
    void memoryLimitOomKills() throws Exception {
        Result r = run(spec("sh", "-c", "tail /dev/zero")
                .memory(32L << 20)
                .memorySwap(32L << 20)
                .build());
        assertThat(r.status().exitCode()).isEqualTo(137);
        assertThat(r.status().oomKilled()).isTrue();
    }

    @Test
    void pidsLimitStopsAForkBomb() throws Exception {
        Result r = run(spec("sh", "-c", "i=0; while [ $i -lt 40 ]; do sleep 2 & i=$((i+1)); done; echo forked")
                .pidsLimit(10)
                .build());
        assertThat(r.stderr()).contains("can't fork");
    }

    @Test
    void killEndsTheContainerWithTheSignal() throws Exception {
        ContainerProcess c = create(spec("sleep", "100").build(), "killed");
        c.start();
        c.kill(9);
        ExitStatus status = c.exit().get(30, TimeUnit.SECONDS);
        assertThat(status.exitCode()).isEqualTo(137);
        assertThat(status.oomKilled()).isFalse();
    }

    @Test
    void freezeStopsTheContainerAndThawResumesIt() throws Exception {
        ContainerProcess c = create(
                spec("sh", "-c", "while true; do echo tick; sleep 0.05; done").build(), "frozen");
        try {
            c.start();
            Path out = state.resolve("frozen").resolve("stdout");
            Thread.sleep(300);
            c.cgroup().freeze();
            long frozenSize = Files.size(out);
            Thread.sleep(400);
            assertThat(Files.size(out)).isEqualTo(frozenSize);
            c.cgroup().thaw();
            Thread.sleep(400);
            assertThat(Files.size(out)).isGreaterThan(frozenSize);
        } finally {
            c.cgroup().thaw();
            c.kill(9);
            c.exit().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void statsShowMemoryAndPids() throws Exception {
        ContainerProcess c = create(spec("sleep", "100").memory(64L << 20).build(), "stats");
        try {
            c.start();
            // an external runtime's init is still winding down (its threads count) just after start
            long deadline = System.nanoTime() + 3_000_000_000L;
            var stats = c.cgroup().stats();
            while (stats.pidsCurrent() != 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
                stats = c.cgroup().stats();
            }
            assertThat(stats.memoryUsage()).isPositive();
            assertThat(stats.memoryLimit()).isEqualTo(64L << 20);
            assertThat(stats.pidsCurrent()).isEqualTo(1);
        } finally {
            c.kill(9);
            c.exit().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void nothingIsLeftBehindAfterExit() throws Exception {
        String id = "leftover";
        ContainerProcess c = create(spec("true").build(), id);
        c.start();
        c.exit().get(30, TimeUnit.SECONDS);
        c.delete();
        assertThat(cgroups.open(cgroupParent + "/" + id).exists()).isFalse();
        assertThat(MountTable.mentioning(rootfs)).isEmpty();
    }

    @Test
    void bindMountsAndReadonlyRootfs() throws Exception {
        Path data = state.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("hello"), "from host\n");
        Result r = run(spec("sh", "-c", "cat /data/hello; touch /data/x; echo rc=$?; touch /newfile; echo rc=$?")
                .bind(data.toString(), "/data", true)
                .readonlyRootfs(true)
                .build());
        assertThat(r.stdout()).isEqualTo("from host\nrc=1\nrc=1\n");
        assertThat(data.resolve("x")).doesNotExist();
    }

    protected interface WhileRunning {
        void check(Path layer) throws Exception;
    }

    /** Runs a container on an overlay of the busybox rootfs; returns its exit code. */
    protected int runOnOverlay(WhileRunning whileRunning) throws Exception {
        Path layer = state.resolve("layer");
        for (String d : List.of("upper", "work", "merged")) {
            Files.createDirectories(layer.resolve(d));
        }
        var rootfsMount = new dev.berth.core.snapshot.MountSpec(
                "overlay",
                "overlay",
                List.of(
                        "lowerdir=" + rootfs,
                        "upperdir=" + layer.resolve("upper"),
                        "workdir=" + layer.resolve("work")));
        Path dir = state.resolve("overlay");
        Files.createDirectories(dir);
        Spec spec = spec("sh", "-c", "echo written > /newfile; rm /etc/group; sleep 1")
                .rootPath(layer.resolve("merged").toString())
                .build();
        ContainerProcess c = runtime.create(new ContainerRequest(
                "overlay",
                spec,
                rootfsMount,
                new Stdio(null, dir.resolve("out"), dir.resolve("err")),
                false,
                dir.resolve("state")));
        c.start();
        Thread.sleep(300);
        whileRunning.check(layer);
        int code = c.exit().get(30, TimeUnit.SECONDS).exitCode();
        assertThat(layer.resolve("upper/newfile")).hasContent("written");
        assertThat(rootfs.resolve("newfile")).doesNotExist();
        assertThat(rootfs.resolve("etc/group")).exists();
        assertThat(layer.resolve("merged")).isEmptyDirectory();
        assertThat(MountTable.mentioning(layer)).isEmpty();
        return code;
    }

    @Test
    void writesGoToTheContainersOwnLayerAndNoMountRemains() throws Exception {
        assertThat(runOnOverlay(layer -> {})).isZero();
    }
    /**
     * A long layer chain's overlay names its layers relative to the snapshots directory (the mount
     * data is one page): every runtime must mount it from there.
     */
    @Test
    void rootfsWithRelativeLowerdirsMountsFromTheWorkingDirectory() throws Exception {
        Path snapshots = state.resolve("snapshots");
        Files.createDirectories(snapshots.resolve("l"));
        Files.createSymbolicLink(snapshots.resolve("l/BASE"), rootfs);
        Files.createDirectories(snapshots.resolve("top/fs"));
        Files.writeString(snapshots.resolve("top/fs/top.txt"), "from the top layer\n");
        for (String d : List.of("ctr/fs", "ctr/work", "merged")) {
            Files.createDirectories(snapshots.resolve(d));
        }
        var rootfsMount = new dev.berth.core.snapshot.MountSpec(
                "overlay",
                "overlay",
                List.of("lowerdir=top/fs:l/BASE", "upperdir=ctr/fs", "workdir=ctr/work"),
                snapshots);
        Path dir = state.resolve("relative");
        Files.createDirectories(dir);
        Spec spec = spec("sh", "-c", "cat /top.txt; ls /bin/busybox; echo new > /new.txt")
                .rootPath(snapshots.resolve("merged").toString())
                .build();
        ContainerProcess c = runtime.create(new ContainerRequest(
                "relative",
                spec,
                rootfsMount,
                new Stdio(null, dir.resolve("out"), dir.resolve("err")),
                false,
                dir.resolve("state")));
        c.start();
        int code = c.exit().get(30, TimeUnit.SECONDS).exitCode();
        c.delete();
        assertThat(code).as(read(dir.resolve("err"))).isZero();
        assertThat(read(dir.resolve("out"))).isEqualTo("from the top layer\n/bin/busybox\n");
        assertThat(snapshots.resolve("ctr/fs/new.txt")).hasContent("new");
        assertThat(MountTable.mentioning(snapshots)).isEmpty();
    }
}
