package dev.berth.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.server.ApiServer;
import dev.berth.engine.event.Event;
import dev.berth.engine.event.EventBus;
import dev.berth.engine.system.HostFacts;
import dev.berth.engine.system.SystemFacts;
import dev.berth.http.server.Router;
import dev.berth.testing.Prerequisites;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real docker CLI (28.x) against an ApiServer with the system routes on a temporary Unix socket. */
class SystemDockerCliIT {
    @TempDir
    Path dir;

    private final EventBus bus = new EventBus();
    private ApiServer server;
    private Path socket;

    @BeforeEach
    void start() {
        requireDockerCli();
        socket = dir.resolve("berth.sock");
        SystemFacts facts =
                SystemFacts.of("BERTH:TEST", dir.resolve("data"), 2, SystemFacts.ContainerCounts.NONE, "overlayfs");
        server = new ApiServer(
                List.of(URI.create("unix://" + socket)),
                new Router().install(new SystemRoutes(() -> facts, bus, HostFacts.read())));
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void requireDockerCli() {
        Prerequisites.requireProgram("docker", "apt-get install docker.io");
    }

    private record Run(int exit, String out, String err) {}

    private Run docker(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("DOCKER_HOST", "unix://" + socket);
        pb.environment().put("DOCKER_CONFIG", dir.resolve("docker-config").toString());
        pb.environment().remove("DOCKER_CONTEXT");
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("docker " + String.join(" ", args) + " did not finish");
        }
        return new Run(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void dockerVersionPrintsTheServerSection() throws Exception {
        Run r = docker("version");
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .contains("Server: Berth")
                .contains("Engine:")
                .containsPattern("API version:\\s+1\\.50 \\(minimum version 1\\.24\\)")
                .containsPattern("OS/Arch:\\s+linux/");
    }

    @Test
    void dockerInfoShowsEngineFacts() throws Exception {
        Run r = docker("info");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("Images: 2")
                .contains("Storage Driver: overlayfs")
                .contains("Docker Root Dir: " + dir.resolve("data"))
                .contains("Server Version:");
        assertThat(r.err()).doesNotContain("Error");
        Run json = docker("info", "--format", "{{.ID}} {{.OSType}} {{.NCPU}}");
        assertThat(json.out().strip()).matches("BERTH:TEST linux [1-9][0-9]*");
    }

    @Test
    void dockerSystemEventsReplaysTheWindowAndEnds() throws Exception {
        Instant t = Instant.now().minusSeconds(5);
        bus.publish(new Event(
                "image",
                "tag",
                "sha256:1111",
                Map.of("name", "busybox:latest"),
                t.getEpochSecond() * 1_000_000_000L + t.getNano()));
        bus.publish(new Event(
                "image",
                "untag",
                "sha256:2222",
                Map.of("name", "sha256:2222"),
                t.getEpochSecond() * 1_000_000_000L + t.getNano() + 1000));
        Run r = docker(
                "system",
                "events",
                "--since",
                "0",
                "--until",
                String.valueOf(Instant.now().getEpochSecond() + 1));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).hasSize(2);
        assertThat(r.out())
                .contains("image tag sha256:1111 (name=busybox:latest)")
                .contains("image untag sha256:2222");

        Run filtered = docker(
                "events",
                "--since",
                "0",
                "--until",
                String.valueOf(Instant.now().getEpochSecond() + 1),
                "--filter",
                "event=untag",
                "--format",
                "{{.Action}} {{.Actor.ID}}");
        assertThat(filtered.out().strip()).isEqualTo("untag sha256:2222");
    }

    @Test
    void dockerEventsFollowsLiveEventsAndTheServerNoticesWhenItQuits() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("docker", "events", "--format", "{{.Type}} {{.Action}} {{.Actor.ID}}");
        pb.environment().put("DOCKER_HOST", "unix://" + socket);
        pb.environment().put("DOCKER_CONFIG", dir.resolve("docker-config").toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        try (var lines =
                new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!docker("info", "--format", "{{.NEventsListener}}")
                    .out()
                    .strip()
                    .equals("1")) {
                assertThat(System.nanoTime()).as("docker events subscribed").isLessThan(deadline);
                Thread.sleep(100);
            }
            bus.publish(Event.now("image", "tag", "sha256:3333", Map.of("name", "live:1")));
            assertThat(lines.readLine()).isEqualTo("image tag sha256:3333");
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!docker("info", "--format", "{{.NEventsListener}}").out().strip().equals("0")) {
            assertThat(System.nanoTime())
                    .as("listener gone after the client quit")
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void unknownEndpointIsDockersPageNotFound() throws Exception {
        Run r = docker("plugin", "ls");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("page not found");
    }
}
