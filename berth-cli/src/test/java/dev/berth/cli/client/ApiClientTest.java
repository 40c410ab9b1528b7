package dev.berth.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiClientTest {
    @TempDir
    Path dir;

    private ApiClient client(FakeDaemon daemon) {
        return new ApiClient(DaemonHost.parse(daemon.uri()));
    }

    @Test
    void aDaemonErrorReadsLikeDockersAndKeepsItsKind() throws IOException {
        try (FakeDaemon daemon = new FakeDaemon(
                dir.resolve("d.sock"),
                r -> FakeDaemon.Response.json(404, "{\"message\":\"No such image: nope:latest\"}"))) {
            assertThatThrownBy(() -> client(daemon).json(ApiRequest.get("/images/nope/json")))
                    .isInstanceOf(BerthException.class)
                    .hasMessage("Error response from daemon: No such image: nope:latest")
                    .extracting(e -> ((BerthException) e).kind())
                    .isEqualTo(ErrorKind.NOT_FOUND);
        }
    }

    @Test
    void anErrorWithoutBodyNamesTheStatusAndRoute() throws IOException {
        try (FakeDaemon daemon = new FakeDaemon(dir.resolve("d.sock"), r -> FakeDaemon.Response.json(500, ""))) {
            assertThatThrownBy(() -> client(daemon).call(ApiRequest.post("/images/x/tag")))
                    .hasMessageStartingWith("request returned 500 X for API route POST /images/x/tag");
        }
    }

    @Test
    void noDaemonMeansCannotConnectNamingTheSocket() {
        Path socket = dir.resolve("missing.sock");
        ApiClient client = new ApiClient(DaemonHost.parse("unix://" + socket));
        assertThatThrownBy(() -> client.json(ApiRequest.get("/info")))
                .isInstanceOf(BerthException.class)
                .hasMessage("Cannot connect to the Berth daemon at unix://" + socket + ". Is the berth daemon running?")
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.UNAVAILABLE);
    }

    @Test
    void tcpHostsWorkLikeUnixSockets() throws IOException {
        try (FakeDaemon daemon = new FakeDaemon(r -> FakeDaemon.Response.json(200, "{\"Images\":3}"))) {
            assertThat(client(daemon)
                            .json(ApiRequest.get("/info"))
                            .get("Images")
                            .asInt())
                    .isEqualTo(3);
            assertThat(daemon.requests().getFirst().headers().get("host")).startsWith("127.0.0.1:");
        }
    }

    @Test
    void theApiVersionIsTheLowerOfOursAndTheDaemons() throws IOException {
        try (FakeDaemon daemon =
                new FakeDaemon(dir.resolve("d.sock"), "1.41", r -> FakeDaemon.Response.json(200, "{}"))) {
            ApiClient client = client(daemon);
            client.json(ApiRequest.get("/info"));
            client.json(ApiRequest.get("/version"));
            assertThat(daemon.allRequests())
                    .extracting(FakeDaemon.Request::rawTarget)
                    .containsExactly("/_ping", "/v1.41/info", "/v1.41/version");
        }
        assertThat(ApiClient.negotiate("1.52")).isEqualTo("1.50");
        assertThat(ApiClient.negotiate(null)).isEqualTo("1.50");
        assertThatThrownBy(() -> ApiClient.negotiate("1.12")).hasMessageContaining("older than 1.24");
    }

    @Test
    void streamedBodiesArriveIntactChunkedOrWithALength() throws IOException {
        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(payload);
        try (FakeDaemon daemon = new FakeDaemon(dir.resolve("d.sock"), r -> FakeDaemon.Response.json(200, "{}"))) {
            ApiClient client = client(daemon);
            client.call(
                    ApiRequest.post("/images/load").body(new ByteArrayInputStream(payload), -1, "application/x-tar"));
            client.call(ApiRequest.post("/images/load")
                    .body(new ByteArrayInputStream(payload), payload.length, "application/x-tar"));
            assertThat(daemon.requests()).hasSize(2);
            assertThat(daemon.requests().get(0).chunked()).isTrue();
            assertThat(daemon.requests().get(0).body()).isEqualTo(payload);
            assertThat(daemon.requests().get(1).chunked()).isFalse();
            assertThat(daemon.requests().get(1).headers())
                    .containsEntry("content-length", Integer.toString(payload.length));
            assertThat(daemon.requests().get(1).body()).isEqualTo(payload);
        }
    }

    @Test
    void chunkedResponsesAreReadAsTheyCome() throws IOException {
        try (FakeDaemon daemon = new FakeDaemon(
                dir.resolve("d.sock"),
                r -> FakeDaemon.Response.stream("application/json", "{\"a\":", "1}\n", "{\"b\":2}\n"))) {
            try (ApiResponse response = client(daemon).send(ApiRequest.get("/events"))) {
                assertThat(response.isJson()).isTrue();
                assertThat(new String(response.readAll(), StandardCharsets.UTF_8))
                        .isEqualTo("{\"a\":1}\n{\"b\":2}\n");
            }
        }
    }

    @Test
    void aDaemonThatRejectsAnUploadEarlyIsHeardInsteadOfABrokenPipe() throws IOException {
        // An endless upload: the client must stop when the daemon answers, not hang or report EPIPE.
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len;
            }
        };
        try (FakeDaemon daemon = new FakeDaemon(
                dir.resolve("d.sock"), r -> FakeDaemon.Response.json(400, "{\"message\":\"not a tar\"}"))) {
            assertThatThrownBy(() ->
                            client(daemon).call(ApiRequest.post("/early-error").body(endless, -1, "application/x-tar")))
                    .hasMessage("Error response from daemon: not a tar");
        }
    }

    @Test
    void aSourceThatFailsMidUploadIsReportedAsTheCause() throws IOException {
        InputStream failing = new InputStream() {
            private int served;

            @Override
            public int read() throws IOException {
                return read(new byte[1], 0, 1);
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (served > 100_000) {
                    throw new IOException("Input/output error");
                }
                served += len;
                return len;
            }
        };
        try (FakeDaemon daemon = new FakeDaemon(
                dir.resolve("d.sock"), r -> FakeDaemon.Response.json(400, "{\"message\":\"unexpected EOF\"}"))) {
            assertThatThrownBy(() ->
                            client(daemon).call(ApiRequest.post("/images/load").body(failing, -1, "application/x-tar")))
                    .hasMessage("error reading the input to send: Input/output error");
        }
    }

    @Test
    void pathsAndQueriesAreEncoded() {
        ApiRequest request =
                ApiRequest.get("/images/foo/bar:v1/json").query("filters", "{\"reference\":{\"a b\":true}}");
        assertThat(request.target("/v1.50"))
                .isEqualTo("/v1.50/images/foo/bar:v1/json?filters=%7B%22reference%22%3A%7B%22a+b%22%3Atrue%7D%7D");
        assertThat(ApiRequest.encodePath("/images/a b%/json")).isEqualTo("/images/a%20b%25/json");
    }
}
