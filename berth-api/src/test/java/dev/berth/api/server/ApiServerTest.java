package dev.berth.api.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import dev.berth.http.server.Response;
import dev.berth.http.server.Router;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API as a client sees it on the wire: Docker's headers, versions, errors and message streams. */
class ApiServerTest {
    @TempDir
    Path dir;

    private ApiServer server;
    private Path socket;

    private final Router router = new Router()
            .get(
                    "/echo/{name}",
                    r -> Json.response(Map.of(
                            "name", r.param("name"),
                            "version", ApiVersion.of(r).toString(),
                            "all", r.bool("all"),
                            "allDefault", r.bool("missing", true),
                            "changes", r.queryAll("changes"))))
            .get("/missing", r -> {
                throw BerthException.notFound("No such image: %s", "nope:latest");
            })
            .get("/conflict", r -> {
                throw BerthException.conflict("conflict: unable to delete");
            })
            .get("/boom", r -> {
                throw new IllegalStateException("kaboom");
            })
            .post("/json", r -> Json.response(Json.body(r, Map.class)))
            .post(
                    "/load",
                    r -> MessageStream.response(out -> {
                        out.send(JsonMessage.progress("abc", "Loading layer", 5, 10));
                        throw BerthException.dataLoss("digest mismatch: expected sha256:aa, got sha256:bb");
                    }))
            .post(
                    "/pull",
                    r -> MessageStream.response(out -> {
                        throw BerthException.notFound("No such image: x:latest");
                    }))
            .get("/_ping", r -> Response.text("OK"));

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start() {
        socket = dir.resolve("api.sock");
        server = new ApiServer(List.of(URI.create("unix://" + socket), URI.create("tcp://127.0.0.1:0")), router);
        server.start();
    }

    /** One request on a connection of its own; the whole answer as the client reads it. */
    private String exchange(String request) throws Exception {
        if (server == null) {
            start();
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(request.getBytes(ISO_8859_1)));
            return new String(Channels.newInputStream(ch).readAllBytes(), ISO_8859_1);
        }
    }

    private String get(String target) throws Exception {
        return exchange("GET " + target + " HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n");
    }

    private static String body(String answer) {
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        return answer.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked") ? dechunk(body) : body;
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; ; ) {
            int eol = body.indexOf("\r\n", i);
            int size = Integer.parseInt(body.substring(i, eol), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(body, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
    }

    @Test
    void everyAnswerCarriesDockersHeadersOnBothListeners() throws Exception {
        String ok = get("/v1.50/_ping");
        assertThat(ok)
                .startsWith("HTTP/1.1 200 OK")
                .contains("Api-Version: 1.50", "Docker-Experimental: false", "Ostype: linux")
                .containsPattern("Server: Berth/\\S+ \\(linux\\)");
        assertThat(get("/nothing")).startsWith("HTTP/1.1 404 ").contains("Api-Version: 1.50");

        int port = ((InetSocketAddress) server.boundAddresses().get(1)).getPort();
        HttpResponse<String> viaTcp = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_ping"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(viaTcp.headers().firstValue("api-version")).hasValue("1.50");
    }

    @Test
    void versionPrefixIsStrippedAndGivenToHandler() throws Exception {
        String r = get("/v1.41/echo/localhost:5000/a/b:1?all=1&changes=CMD+sh&changes=ENV+A%3D1");
        assertThat(r).startsWith("HTTP/1.1 200 OK");
        assertThat(body(r))
                .contains(
                        "\"name\":\"localhost:5000/a/b:1\"",
                        "\"version\":\"1.41\"",
                        "\"all\":true",
                        "\"allDefault\":true",
                        "\"changes\":[\"CMD sh\",\"ENV A=1\"]");
        assertThat(body(get("/echo/x?all=False"))).contains("\"version\":\"1.50\"", "\"all\":false");
    }

    @Test
    void dockerBooleans() throws Exception {
        for (String yes : new String[] {"1", "true", "True", "yes", "anything"}) {
            assertThat(body(get("/echo/x?all=" + yes))).as(yes).contains("\"all\":true");
        }
        for (String no : new String[] {"0", "false", "FALSE", "no", "none", ""}) {
            assertThat(body(get("/echo/x?all=" + no))).as(no).contains("\"all\":false");
        }
    }

    @Test
    void tooNewAndTooOldVersionsAreRejectedWithDockersMessages() throws Exception {
        String r = get("/v1.51/echo/x");
        assertThat(r).startsWith("HTTP/1.1 400 ");
        assertThat(body(r))
                .isEqualTo("{\"message\":\"client version 1.51 is too new. Maximum supported API version is 1.50\"}\n");
        String old = get("/v1.23/echo/x");
        assertThat(old).startsWith("HTTP/1.1 400 ");
        assertThat(body(old))
                .contains("client version 1.23 is too old. Minimum supported API version is 1.24, "
                        + "please upgrade your client to a newer version");
        assertThat(get("/v1.9/echo/x")).startsWith("HTTP/1.1 400 ");
    }

    @Test
    void unknownPathAndWrongMethodArePageNotFound() throws Exception {
        for (String r : new String[] {
            get("/nothing"),
            exchange("DELETE /echo/x HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n"),
            get("/v1.50/nothing")
        }) {
            assertThat(r).startsWith("HTTP/1.1 404 ");
            assertThat(body(r)).isEqualTo("{\"message\":\"page not found\"}\n");
        }
    }

    @Test
    void errorKindsMapToStatus() throws Exception {
        String missing = get("/missing");
        assertThat(missing).startsWith("HTTP/1.1 404 ");
        assertThat(body(missing)).contains("No such image: nope:latest");
        assertThat(get("/conflict")).startsWith("HTTP/1.1 409 ");
        String boom = get("/boom");
        assertThat(boom).startsWith("HTTP/1.1 500 ");
        assertThat(body(boom)).contains("kaboom");
    }

    @Test
    void malformedJsonBodyIs400() throws Exception {
        String bad = exchange("POST /json HTTP/1.1\r\nHost: d\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{oops");
        assertThat(bad).startsWith("HTTP/1.1 400 ");
        assertThat(body(bad)).contains("invalid JSON body");
        String good =
                exchange("POST /json HTTP/1.1\r\nHost: d\r\nContent-Length: 7\r\nConnection: close\r\n\r\n{\"a\":1}");
        assertThat(body(good)).isEqualTo("{\"a\":1}\n");
    }

    @Test
    void messageStreamReportsAFailureAfterTheHeaderAsErrorDetail() throws Exception {
        String r = exchange("POST /load HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("transfer-encoding: chunked");
        List<String> lines = body(r).lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0))
                .contains(
                        "\"status\":\"Loading layer\"",
                        "\"progressDetail\":{\"current\":5,\"total\":10}",
                        "\"id\":\"abc\"");
        assertThat(lines.get(1))
                .isEqualTo("{\"errorDetail\":{\"message\":\"digest mismatch: expected sha256:aa, got sha256:bb\"},"
                        + "\"error\":\"digest mismatch: expected sha256:aa, got sha256:bb\"}");
    }

    @Test
    void messageStreamFailingBeforeAnyMessageIsAnErrorStatus() throws Exception {
        String r = exchange("POST /pull HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 404 ");
        assertThat(body(r)).isEqualTo("{\"message\":\"No such image: x:latest\"}\n");
    }

    @Test
    void listenAddressesAreCheckedUpFront() {
        assertThat(ApiServer.parseHost("unix:///run/berth/berth.sock").getPath())
                .isEqualTo("/run/berth/berth.sock");
        assertThat(ApiServer.parseHost("tcp://127.0.0.1:2375").getPort()).isEqualTo(2375);
        assertThat(ApiServer.parseHost("tcp://0.0.0.0").getPort())
                .as("Docker's default port applies at bind")
                .isEqualTo(-1);
        assertThat(ApiServer.port(ApiServer.parseHost("tcp://:2380"), false))
                .as("no host: every address, the port given")
                .isEqualTo(2380);
        assertThat(ApiServer.port(ApiServer.parseHost("tcp://0.0.0.0"), false)).isEqualTo(2375);
        assertThat(ApiServer.port(ApiServer.parseHost("tcp://0.0.0.0"), true)).isEqualTo(2376);
        assertThatThrownBy(() -> ApiServer.parseHost("tcp://:port")).hasMessageContaining("bad host or port");
        assertThatThrownBy(() -> ApiServer.parseHost("http://localhost:80"))
                .hasMessageContaining("only unix:// and tcp://");
        assertThatThrownBy(() -> ApiServer.parseHost("unix://")).hasMessageContaining("invalid listen address");
    }

    @Test
    void closeRemovesTheSocketFile() throws Exception {
        get("/_ping");
        server.close();
        assertThat(Files.exists(socket)).isFalse();
    }
}
