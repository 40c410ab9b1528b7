package dev.berth.daemon.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.it.BerthDaemon;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged {@code berth registry serve} and {@code berth registry gc}, as separate processes. */
class RegistryCommandIT {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path tmp;

    record Run(int exit, String output) {}

    /** {@code berth registry ...} as bin/berth runs it. */
    static Run berth(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(BerthDaemon.serverJavaCommand());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void serveAnswersOnAnEphemeralPortAndGcWaitsForTheRootToBeFree() throws Exception {
        Path root = tmp.resolve("root");
        Path config = tmp.resolve("registry.yml");
        Files.writeString(config, "addr: 127.0.0.1:0\ngc:\n  delaySeconds: 0\n");
        List<String> cmd = new ArrayList<>(BerthDaemon.serverJavaCommand());
        cmd.addAll(List.of("registry", "serve", "--config", config.toString(), "--root", root.toString()));
        Process server = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            BufferedReader lines =
                    new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            int port = -1;
            for (String line; port < 0 && (line = lines.readLine()) != null; ) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            assertThat(port).as("the server prints where it listens").isPositive();
            Thread.ofVirtual().start(() -> {
                try {
                    lines.transferTo(java.io.Writer.nullWriter());
                } catch (IOException ignored) {
                    // The server went away.
                }
            });
            HttpClient http = HttpClient.newHttpClient();
            byte[] blob = "hello registry".getBytes(StandardCharsets.UTF_8);
            String digest = "sha256:"
                    + java.util.HexFormat.of()
                            .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                    .digest(blob));
            var push = http.send(
                    HttpRequest.newBuilder(URI.create(
                                    "http://127.0.0.1:" + port + "/v2/cli/test/blobs/uploads/?digest=" + digest))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(blob))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(push.statusCode()).isEqualTo(201);

            Run busy = berth("registry", "gc", "--root", root.toString());
            assertThat(busy.exit()).isEqualTo(1);
            assertThat(busy.output()).contains("in use by berth registry serve");

            var gc = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_berth/gc"))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(gc.statusCode()).isEqualTo(200);
            assertThat(gc.body()).contains(digest);
        } finally {
            server.destroy();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        Run offline = berth("registry", "gc", "--root", root.toString(), "--delay", "0");
        assertThat(offline.exit()).as(offline.output()).isZero();
        assertThat(offline.output()).contains("0 manifests").contains("0 blobs deleted");
    }
}
