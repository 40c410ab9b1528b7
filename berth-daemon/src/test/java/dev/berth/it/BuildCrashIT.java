package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.MountTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A daemon SIGKILLed in the middle of a build restarts clean — no container, snapshot, mount or
 * partial blob of the build is left — and the next build reuses the steps that had completed.
 */
class BuildCrashIT {
    private BerthDaemon daemon;

    @BeforeEach
    void start() {
        daemon = BerthDaemon.start();
        daemon.bootstrapBusybox();
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private static List<String> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aBuildKilledMidRunRestartsCleanAndKeepsItsCompletedSteps() throws Exception {
        Path ctx = BuildContexts.context(
                daemon.scratch(),
                Map.of(
                        "Dockerfile",
                        "FROM busybox\nRUN echo done-before > /before\nCOPY big /big\nRUN echo started && sleep 300\n",
                        "big",
                        "x".repeat(1 << 20)));
        Process build = new ProcessBuilder("docker", "-H", daemon.host(), "build", ctx.toString())
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(build.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.equals("started")) {
                break;
            }
        }
        assertThat(daemon.docker("ps", "-q").ok())
                .as("the last RUN's container runs")
                .isNotBlank();

        daemon.kill();
        build.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        daemon.restart();

        assertThat(daemon.docker("ps", "-aq").ok())
                .as("the build's container is gone")
                .isBlank();
        assertThat(entries(daemon.dataRoot().resolve("content/ingest"))).isEmpty();
        assertThat(entries(daemon.dataRoot().resolve("builds/work"))).isEmpty();
        assertThat(entries(daemon.dataRoot().resolve("snapshots")).stream()
                        .filter(n -> !n.equals("l"))
                        .toList())
                .as("only committed layers: no container or build snapshot")
                .allMatch(n -> n.matches("[0-9a-f]{64}"));
        assertThat(MountTable.under(daemon.dataRoot())).isEmpty();

        Files.writeString(
                ctx.resolve("Dockerfile"),
                "FROM busybox\nRUN echo done-before > /before\nCOPY big /big\nRUN echo after\n");
        String rebuilt =
                daemon.docker("build", "-t", "after-crash", ctx.toString()).ok();
        assertThat(rebuilt.split(" ---> Using cache", -1))
                .as("the RUN and the COPY before the kill")
                .hasSize(3);
        assertThat(daemon.docker("run", "--rm", "after-crash", "cat", "/before").ok())
                .isEqualTo("done-before\n");
    }
}
