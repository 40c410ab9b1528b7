package dev.berth.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.error.BerthException;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectionHandlerTest {
    @Test
    void jsonResponseCarriesDockerHeadersAndConnectionStaysOpen() {
        Router router = new Router().get("/hello", r -> Response.json(Map.of("Hello", "world")));
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("GET /v1.50/hello HTTP/1.1\r\nHost: docker\r\n\r\n");
            EmbeddedHttp.Parsed r = http.response();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers())
                    .containsEntry("api-version", "1.50")
                    .containsEntry("docker-experimental", "false")
                    .containsEntry("ostype", "linux")
                    .containsEntry("content-type", "application/json")
                    .containsKey("server");
            assertThat(r.headers().get("server")).matches("Berth/\\S+ \\(linux\\)");
            assertThat(r.body()).isEqualTo("{\"Hello\":\"world\"}\n");

            http.send("GET /nope HTTP/1.1\r\nHost: docker\r\n\r\n");
            EmbeddedHttp.Parsed second = http.response();
            assertThat(second.status()).isEqualTo(404);
            assertThat(second.body()).isEqualTo("{\"message\":\"page not found\"}\n");
            assertThat(http.channel.isOpen()).isTrue();
        }
    }

    @Test
    void connectionCloseIsHonoured() {
        Router router = new Router().get("/x", r -> Response.noContent());
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("GET /x HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n");
            EmbeddedHttp.Parsed r = http.response();
            assertThat(r.status()).isEqualTo(204);
            http.receive(s -> !http.channel.isOpen());
        }
    }

    @Test
    void headGetsHeadersWithoutBody() {
        Router router = new Router().head("/_ping", r -> Response.text("OK"));
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("HEAD /_ping HTTP/1.1\r\nHost: d\r\n\r\n");
            String raw = http.receive(s -> s.contains("\r\n\r\n"));
            assertThat(raw)
                    .startsWith("HTTP/1.1 200 OK")
                    .contains("content-length: 2")
                    .endsWith("\r\n\r\n");
        }
    }

    @Test
    void chunkedRequestBodyIsStreamedToTheHandler() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Router router = new Router().post("/upload", r -> {
            started.countDown();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[8192];
            long total = 0;
            try (InputStream in = r.body()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, n);
                    total += n;
                }
            }
            return Response.json(Map.of("bytes", total, "sha256", HexFormat.of().formatHex(sha.digest())));
        });
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("POST /upload HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n");
            assertThat(started.await(5, TimeUnit.SECONDS))
                    .as("handler runs before the body is complete")
                    .isTrue();
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                String chunk = ("part" + i + "-").repeat(100);
                all.append(chunk);
                http.send(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
            }
            http.send("0\r\n\r\n");
            EmbeddedHttp.Parsed r = http.response();
            String expected = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(all.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
            assertThat(r.body()).contains("\"bytes\":" + all.length(), expected);
        }
    }

    @Test
    void messageStreamReportsAFailureAfterTheHeaderAsErrorDetail() {
        Router router = new Router()
                .post(
                        "/load",
                        r -> Response.messages(out -> {
                            out.send(JsonMessage.progress("abc", "Loading layer", 5, 10));
                            throw BerthException.dataLoss("digest mismatch: expected sha256:aa, got sha256:bb");
                        }));
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("POST /load HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\n\r\n");
            EmbeddedHttp.Parsed r = http.response();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers()).containsEntry("transfer-encoding", "chunked");
            assertThat(r.body().lines().toList()).hasSize(2);
            assertThat(r.body())
                    .contains(
                            "\"status\":\"Loading layer\"",
                            "\"progressDetail\":{\"current\":5,\"total\":10}",
                            "\"id\":\"abc\"");
            assertThat(r.body().lines().toList().get(1))
                    .isEqualTo("{\"errorDetail\":{\"message\":\"digest mismatch: expected sha256:aa, got sha256:bb\"},"
                            + "\"error\":\"digest mismatch: expected sha256:aa, got sha256:bb\"}");
        }
    }

    @Test
    void messageStreamFailingBeforeAnyMessageIsAnErrorStatus() {
        Router router = new Router()
                .post(
                        "/pull",
                        r -> Response.messages(out -> {
                            throw BerthException.notFound("No such image: x:latest");
                        }));
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("POST /pull HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\n\r\n");
            EmbeddedHttp.Parsed r = http.response();
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).isEqualTo("{\"message\":\"No such image: x:latest\"}\n");
        }
    }

    @Test
    void rawStreamIsChunked() {
        Router router = new Router()
                .get(
                        "/export",
                        r -> Response.stream("application/x-tar", out -> {
                            for (int i = 0; i < 1000; i++) {
                                out.write(("line " + i + "\n").getBytes());
                            }
                        }));
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("GET /export HTTP/1.1\r\nHost: d\r\n\r\n");
            EmbeddedHttp.Parsed r = http.response();
            assertThat(r.headers()).containsEntry("content-type", "application/x-tar");
            assertThat(r.body().lines()).hasSize(1000).endsWith("line 999");
        }
    }

    @Test
    void hijackUpgradesAndEchoesUntilClientHalfCloses() {
        Router router = new Router()
                .post(
                        "/echo",
                        r -> Response.hijack(ConnectionHandler.RAW_STREAM, conn -> {
                            InputStream in = conn.input();
                            OutputStream out = conn.output();
                            byte[] buf = new byte[1024];
                            for (int n; (n = in.read(buf)) > 0; ) {
                                out.write(buf, 0, n);
                            }
                            out.write("bye".getBytes());
                        }));
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send(
                    "POST /echo HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n");
            String head = http.receive(s -> s.contains("\r\n\r\n"));
            assertThat(head)
                    .startsWith("HTTP/1.1 101 UPGRADED\r\n")
                    .containsIgnoringCase("upgrade: tcp")
                    .containsIgnoringCase("content-type: application/vnd.docker.raw-stream");
            http.send("hello");
            assertThat(http.receive(s -> s.equals("hello"))).isEqualTo("hello");
            http.send("GET / HTTP/1.1\r\n\r\n"); // no longer HTTP: echoed verbatim
            assertThat(http.receive(s -> s.endsWith("\r\n\r\n"))).isEqualTo("GET / HTTP/1.1\r\n\r\n");
            http.channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            assertThat(http.receive(s -> s.equals("bye") && !http.channel.isOpen()))
                    .isEqualTo("bye");
        }
    }

    @Test
    void flushWithNothingBufferedSendsTheHeaderBeforeTheBody() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Router router = new Router()
                .post(
                        "/wait",
                        r -> Response.stream("application/json", out -> {
                            out.flush();
                            release.await();
                            out.write(Json.encodeLine(Map.of("StatusCode", 0)));
                        }));
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("POST /wait HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\n\r\n");
            String head = http.receive(s -> s.contains("\r\n\r\n"));
            assertThat(head).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\n");
            release.countDown();
            assertThat(http.receive(s -> s.endsWith("0\r\n\r\n"))).contains("{\"StatusCode\":0}");
        }
    }
}
