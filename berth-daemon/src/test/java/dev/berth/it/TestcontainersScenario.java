package dev.berth.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * What a Testcontainers user does, run in its own JVM by {@link ContainerTestcontainersIT} with
 * DOCKER_HOST pointing at a Berth daemon (Testcontainers reads it from the environment only).
 * Prints "SCENARIO OK" when every step behaved; any failure ends the JVM with a stack trace.
 */
public final class TestcontainersScenario {
    private TestcontainersScenario() {}

    public static void main(String[] args) throws Exception {
        Path scratch = Path.of(args[0]);
        try (GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse("busybox:latest"))
                .withCommand("sh", "-c", "echo starting; sleep 1; echo ready to serve; sleep 300")
                .waitingFor(
                        Wait.forLogMessage(".*ready to serve.*\\n", 1).withStartupTimeout(Duration.ofSeconds(60)))) {
            c.start();
            check(c.isRunning(), "container runs");
            check(c.getLogs().contains("starting"), "logs: " + c.getLogs());

            ExecResult exec = c.execInContainer("sh", "-c", "echo out; echo err >&2; exit 3");
            check(exec.getExitCode() == 3, "exec exit code " + exec.getExitCode());
            check(exec.getStdout().equals("out\n"), "exec stdout [" + exec.getStdout() + "]");
            check(exec.getStderr().equals("err\n"), "exec stderr [" + exec.getStderr() + "]");

            Path file = scratch.resolve("tc-in.txt");
            Files.writeString(file, "hello from the host\n");
            c.copyFileToContainer(MountableFile.forHostPath(file), "/tmp/tc-in.txt");
            check(c.execInContainer("cat", "/tmp/tc-in.txt").getStdout().equals("hello from the host\n"), "copied in");
            c.copyFileToContainer(Transferable.of("made in memory\n"), "/tmp/mem.txt");

            Path back = scratch.resolve("tc-back.txt");
            c.copyFileFromContainer("/tmp/mem.txt", back.toString());
            check(Files.readString(back, StandardCharsets.UTF_8).equals("made in memory\n"), "copied back");
        }
        System.out.println("SCENARIO OK");
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("failed: " + what);
        }
    }
}
