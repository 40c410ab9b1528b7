package dev.berth.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.http.server.Response;
import dev.berth.http.server.Router;
import dev.berth.testing.Prerequisites;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hijack path as {@code docker exec -i} uses it, with the real docker CLI against stand-in
 * exec endpoints: upgrade to a raw stream, stdin copied until the CLI half-closes, stdout and
 * stderr framed with StdCopy, then the exit code read from {@code /exec/{id}/json}.
 */
class HijackDockerCliIT {
    @TempDir
    Path dir;

    private ApiServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void dockerExecInteractiveStreamsStdinAndGetsFramedOutputAndExitCode() throws Exception {
        Prerequisites.requireProgram("docker", "apt-get install docker.io");

        Router router = new Router()
                .get("/_ping", r -> Response.text("OK"))
                .get(
                        "/containers/{name}/json",
                        r -> Json.response(Map.of(
                                "Id",
                                "f00d",
                                "Name",
                                "/" + r.param("name"),
                                "State",
                                Map.of("Running", true, "Status", "running"))))
                .post("/containers/{name}/exec", r -> Json.response(201, Map.of("Id", "e1")))
                .post(
                        "/exec/{id}/start",
                        r -> Response.hijack("application/vnd.docker.multiplexed-stream", conn -> {
                            OutputStream stdout = StdCopy.writer(conn.output(), StdCopy.Stream.STDOUT);
                            OutputStream stderr = StdCopy.writer(conn.output(), StdCopy.Stream.STDERR);
                            byte[] buf = new byte[4096];
                            long total = 0;
                            for (int n; (n = conn.input().read(buf)) > 0; ) {
                                stdout.write(buf, 0, n);
                                total += n;
                            }
                            stderr.write(("read " + total + " bytes\n").getBytes(StandardCharsets.UTF_8));
                        }))
                .get(
                        "/exec/{id}/json",
                        r -> Json.response(Map.of("ID", r.param("id"), "Running", false, "ExitCode", 3)));
        Path socket = dir.resolve("hijack.sock");
        server = new ApiServer(List.of(URI.create("unix://" + socket)), router);
        server.start();

        String input = "line one\nline two\n".repeat(5000);
        ProcessBuilder pb = new ProcessBuilder("docker", "exec", "-i", "fake", "cat");
        pb.environment().put("DOCKER_HOST", "unix://" + socket);
        pb.environment().put("DOCKER_CONFIG", dir.resolve("docker-config").toString());
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        System.out.printf("docker exec -i took %.2f s%n", (System.nanoTime() - t0) / 1e9);
        assertThat(Files.readString(err)).isEqualTo("read " + input.length() + " bytes\n");
        assertThat(Files.readString(out)).isEqualTo(input);
        assertThat(p.exitValue()).isEqualTo(3);
    }
}
