package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.Prerequisites;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /build} as an API client sees it (curl on the daemon's socket): Docker's statuses
 * and JSON errors for bad input, a context fetched from a URL, {@code /build/cancel}, and a client
 * that goes away in the middle of a RUN.
 */
class BuildApiIT {
    private static BerthDaemon daemon;

    @BeforeAll
    static void startDaemon() {
        Prerequisites.requireProgram("curl", "apt-get install curl");
        daemon = BerthDaemon.start();
        daemon.bootstrapBusybox();
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private static String socket() {
        return daemon.host().substring("unix://".length());
    }

    /** POSTs {@code body} (a file, or nothing) and returns the response body and, on its last line, the status. */
    private static String post(String pathAndQuery, Path body) {
        List<String> command =
                new ArrayList<>(List.of("curl", "-s", "-w", "\n%{http_code}", "--unix-socket", socket(), "-X", "POST"));
        if (body != null) {
            command.addAll(List.of("-H", "Content-Type: application/x-tar", "--data-binary", "@" + body));
        }
        command.add("http://berth" + pathAndQuery);
        return Commands.run(command, Map.of(), null).ok();
    }

    private static String tail(String log) {
        return log.length() > 12000 ? log.substring(log.length() - 12000) : log;
    }

    private static Path tar(Map<String, String> files) {
        return BuildContexts.tar(daemon.scratch(), files);
    }

    /** A build of a RUN that prints "started" then sleeps, streamed by curl; returns once "started" is read. */
    private static SlowBuild startSlowBuild(String query) throws Exception {
        Path slow = tar(Map.of("Dockerfile", "FROM busybox\nRUN echo started && sleep 120\n"));
        Process curl = new ProcessBuilder(
                        "curl",
                        "-s",
                        "-N",
                        "--unix-socket",
                        socket(),
                        "-X",
                        "POST",
                        "-H",
                        "Content-Type: application/x-tar",
                        "--data-binary",
                        "@" + slow,
                        "http://berth/build" + query)
                .redirectErrorStream(true)
                .start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(curl.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        for (String line; (line = lines.readLine()) != null; ) {
            seen.add(line);
            if (line.equals("{\"stream\":\"started\\n\"}")) {
                break;
            }
        }
        return new SlowBuild(curl, lines, seen);
    }

    private record SlowBuild(Process curl, BufferedReader rest, List<String> seen) {}

    @Test
    void badInputIsAnErrorResponseBeforeAnyOutput() throws Exception {
        Path garbage = daemon.scratch().resolve("garbage.bin");
        Files.writeString(garbage, "this is not a tar archive at all, not even close".repeat(20));
        assertThat(post("/build", garbage))
                .contains("Error processing tar file")
                .endsWith("\n500"); // as dockerd answers an untar failure

        Path unknown = tar(Map.of("Dockerfile", "FROM busybox\nFOOO bar\n"));
        assertThat(post("/build", unknown))
                .isEqualTo("{\"message\":\"dockerfile parse error line 2: unknown instruction: FOOO\"}\n\n400");

        Path outside = tar(Map.of("Dockerfile", "FROM busybox\n"));
        assertThat(post("/build?dockerfile=../../../../etc/passwd", outside))
                .contains("Cannot locate specified Dockerfile")
                .endsWith("\n400");
        assertThat(post("/build?buildargs=notjson", outside))
                .contains("error reading build args")
                .endsWith("\n400");
        assertThat(post("/build?t=Bad:Name", outside)).endsWith("\n400");
        assertThat(post("/build/cancel", null))
                .contains("build ID not provided")
                .endsWith("\n400");
        assertThat(post("/build/cancel?id=nosuch", null)).endsWith("\n200");
        assertThat(daemon.dataRoot().resolve("builds/work")).isEmptyDirectory();
    }

    @Test
    void aStepThatFailsEndsTheStreamWithDockersErrorDetail() throws Exception {
        Path failing = tar(Map.of("Dockerfile", "FROM busybox\nRUN exit 3\n"));
        String out = post("/build", failing);
        assertThat(out)
                .contains("{\"stream\":\"Step 2/2 : RUN exit 3\"}")
                .contains(
                        "{\"errorDetail\":{\"code\":3,\"message\":\"The command '/bin/sh -c exit 3' returned a"
                                + " non-zero code: 3\"},\"error\":\"The command '/bin/sh -c exit 3' returned a non-zero code: 3\"}")
                .endsWith("\n200");
        Path missing = tar(Map.of("Dockerfile", "FROM busybox\nCOPY nothere /x\n"));
        assertThat(post("/build", missing))
                .contains("{\"errorDetail\":{\"message\":\"COPY failed: file not found in build context");
    }

    @Test
    void aRemoteContextIsFetchedFromItsUrl() throws Exception {
        try (BuildContexts.FileServer server = new BuildContexts.FileServer()) {
            Path tar = tar(Map.of("Dockerfile", "FROM busybox\nCOPY hello /hello\n", "hello", "remote\n"));
            String tarUrl = server.put("ctx.tar", Files.readAllBytes(tar));
            daemon.docker("build", "-t", "remote-tar", tarUrl).ok();
            assertThat(daemon.docker("run", "--rm", "remote-tar", "cat", "/hello")
                            .ok())
                    .isEqualTo("remote\n");
            String dockerfileUrl = server.put("Dockerfile", "FROM busybox\nRUN echo only > /only\n");
            daemon.docker("build", "-t", "remote-df", dockerfileUrl).ok();
            assertThat(daemon.docker("run", "--rm", "remote-df", "cat", "/only").ok())
                    .isEqualTo("only\n");
        }
    }

    @Test
    void buildCancelStopsTheBuildWithThatId() throws Exception {
        SlowBuild build = startSlowBuild("?buildid=slow-one");
        assertThat(build.seen())
                .as(() -> "daemon log:\n" + tail(daemon.logText()))
                .anyMatch(l -> l.contains("Running in"));
        assertThat(post("/build/cancel?id=slow-one", null)).endsWith("\n200");
        StringBuilder rest = new StringBuilder();
        for (String line; (line = build.rest().readLine()) != null; ) {
            rest.append(line).append('\n');
        }
        assertThat(build.curl().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(rest).contains("\"error\":\"Build cancelled\"");
        assertThat(daemon.docker("ps", "-aq").ok()).isBlank();
    }

    @Test
    void aClientThatGoesAwayCancelsTheBuild() throws Exception {
        SlowBuild build = startSlowBuild("");
        assertThat(daemon.docker("ps", "-q").ok()).isNotBlank();
        build.curl().destroyForcibly().waitFor();
        // the RUN's container goes once the daemon sees the connection close (within seconds)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!daemon.docker("ps", "-aq").ok().isBlank() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(daemon.docker("ps", "-aq").ok()).isBlank();
    }
}
