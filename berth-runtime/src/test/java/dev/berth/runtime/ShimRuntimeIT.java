package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.shim.ShimRuntime;
import dev.berth.runtime.shim.ShimSupervisor;
import dev.berth.testing.MountTable;
import dev.berth.testing.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShimRuntimeIT extends RuntimeContract {

    @Override
    protected ContainerRuntime newRuntime(Path work) {
        Path shim = ShimRuntime.defaultShimBinary();
        Prerequisites.require(Files.isExecutable(shim), "berth-shim built at " + shim);
        return new ShimRuntime(shim, cgroups, cgroupParent);
    }

    @Test
    void stdinReachesTheCommand() throws Exception {
        String id = "stdin";
        Path dir = state.resolve(id);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("in"), "line one\nline two\n");
        ContainerProcess c = runtime.create(new ContainerRequest(
                id,
                spec("wc", "-l").build(),
                null,
                new Stdio(dir.resolve("in"), dir.resolve("out"), dir.resolve("err")),
                false,
                dir.resolve("state")));
        c.start();
        c.exit().get(30, TimeUnit.SECONDS);
        assertThat(Files.readString(dir.resolve("out")).strip()).isEqualTo("2");
    }

    @Test
    void execJoinsTheRunningContainer() throws Exception {
        ContainerProcess c = create(spec("sleep", "100").memory(64L << 20).build(), "execd");
        try {
            c.start();
            Path dir = state.resolve("exec1");
            Files.createDirectories(dir);
            var process = spec("sh", "-c", "hostname; ps -o pid,comm; grep memory /proc/self/cgroup; exit 4")
                    .build()
                    .process();
            ContainerProcess exec = runtime.exec(
                    "exec1",
                    c,
                    process,
                    null,
                    new Stdio(null, dir.resolve("out"), dir.resolve("err")),
                    dir.resolve("state"));
            exec.start();
            assertThat(exec.exit().get(30, TimeUnit.SECONDS).exitCode()).isEqualTo(4);
            String out = Files.readString(dir.resolve("out"));
            // the container's hostname, processes (its pid 1 and nothing of the host) and cgroup (the ns root)
            assertThat(out.lines().map(String::strip).toList())
                    .containsExactly(
                            "berth-test",
                            "PID   COMMAND",
                            "1 sleep",
                            out.lines().toList().get(3).strip(),
                            out.lines().toList().get(4).strip(),
                            out.lines().toList().get(5));
            assertThat(out.lines().toList().get(5)).matches("\\d+:memory:/");
            assertThat(out.lines().toList().get(3)).endsWith(" sh");
            assertThat(out.lines().toList().get(4)).endsWith(" ps");
            assertThat(c.exit()).isNotDone();
        } finally {
            c.kill(9);
            c.exit().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void overlayRootfsIsMountedOnlyInsideTheContainer() throws Exception {
        assertThat(runOnOverlay(
                        layer -> assertThat(MountTable.mentioning(layer)).isEmpty()))
                .isZero();
    }

    @Test
    void aRestartedDaemonFindsTheContainerAgain() throws Exception {
        String id = "survivor";
        ContainerProcess c =
                create(spec("sh", "-c", "trap 'exit 9' USR1; sleep 100 & wait").build(), id);
        c.start();
        Thread.sleep(300);
        ShimRuntime restarted = new ShimRuntime(ShimRuntime.defaultShimBinary(), cgroups, cgroupParent);

        ContainerProcess found =
                restarted.reattach(id, state.resolve(id).resolve("state")).orElseThrow();
        assertThat(found.pid()).isEqualTo(c.pid());
        assertThat(found.exit()).isNotDone();
        found.kill(10); // SIGUSR1: the container's own trap decides the exit code

        assertThat(found.exit().get(30, TimeUnit.SECONDS).exitCode()).isEqualTo(9);
        assertThat(c.exit().get(30, TimeUnit.SECONDS).exitCode()).isEqualTo(9);
        assertThat(cgroups.open(cgroupParent + "/" + id).exists()).isFalse();
    }

    /** Reported, not a benchmark: the supervisor's resident memory and the time from launch to exit of `true`. */
    @Test
    void supervisorStaysUnderOneMegabyte() throws Exception {
        String id = "rss";
        ContainerProcess c = create(spec("sleep", "100").build(), id);
        c.start();
        long rssKb = ShimSupervisor.residentKb(c.shimPid());
        String anon = Files.readAllLines(Path.of("/proc/" + c.shimPid() + "/status")).stream()
                .filter(l -> l.startsWith("RssAnon"))
                .findFirst()
                .orElse("");
        c.kill(9);
        c.exit().get(30, TimeUnit.SECONDS);

        int runs = 20;
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            run(spec("true").build());
        }
        long perRunMicros = (System.nanoTime() - start) / runs / 1000;
        System.out.printf(
                "berth-shim: supervisor VmRSS %d kB (%s), launch-to-exit of `true` %d us%n",
                rssKb, anon.replaceAll("\\s+", " "), perRunMicros);
        assertThat(rssKb).isLessThan(1024);
    }
}
