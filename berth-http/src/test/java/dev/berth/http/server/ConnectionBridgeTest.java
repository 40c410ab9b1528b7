package dev.berth.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.error.BerthException;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline of a connection on an EmbeddedChannel, driven by raw HTTP bytes. */
class ConnectionBridgeTest {
    @TempDir
    Path dir;

    private static Response text(String s) {
        return Response.bytes("text/plain", s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void answersCarryTheServiceHeadersAndTheConnectionStaysOpen() {
        Router router = new Router().get("/hello", r -> text("world"));
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("GET /hello HTTP/1.1\r\nHost: docker\r\n\r\n");
            EmbeddedHttp.Parsed r = http.response();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers()).containsEntry("server", "test").containsEntry("content-type", "text/plain");
            assertThat(r.body()).isEqualTo("world");

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
            assertThat(r.headers()).containsEntry("connection", "close");
            http.receive(s -> !http.channel.isOpen());
        }
    }

    @Test
    void headGetsHeadersWithoutBody() {
        Router router = new Router()
                .head("/_ping", r -> text("OK"))
                .head("/blob", r -> Response.status(200).withHeader("Content-Length", "300000"));
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("HEAD /_ping HTTP/1.1\r\nHost: d\r\n\r\n");
            String raw = http.receive(s -> s.contains("\r\n\r\n"));
            assertThat(raw)
                    .startsWith("HTTP/1.1 200 OK")
                    .contains("content-length: 2")
                    .endsWith("\r\n\r\n");
            http.send("HEAD /blob HTTP/1.1\r\nHost: d\r\n\r\n");
            assertThat(http.receive(s -> s.contains("\r\n\r\n")))
                    .as("the length a GET would have")
                    .containsIgnoringCase("content-length: 300000")
                    .endsWith("\r\n\r\n");
            assertThat(http.channel.isOpen()).isTrue();
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
            return text(total + " " + HexFormat.of().formatHex(sha.digest()));
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
                            .digest(all.toString().getBytes(StandardCharsets.ISO_8859_1)));
            assertThat(r.body()).isEqualTo(all.length() + " " + expected);
        }
    }

    @Test
    void aStreamFailingAfterItsHeaderEndsWithItsLastWords() {
        Router router = new Router()
                .post(
                        "/load",
                        r -> Response.stream(
                                "application/json",
                                out -> {
                                    out.write("{\"status\":\"Loading\"}\n".getBytes(StandardCharsets.UTF_8));
                                    out.flush();
                                    throw BerthException.dataLoss("digest mismatch");
                                },
                                t -> ("{\"error\":\"" + t.getMessage() + "\"}\n").getBytes(StandardCharsets.UTF_8)));
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("POST /load HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\n\r\n");
            EmbeddedHttp.Parsed r = http.response();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers()).containsEntry("transfer-encoding", "chunked");
            assertThat(r.body()).isEqualTo("{\"status\":\"Loading\"}\n{\"error\":\"digest mismatch\"}\n");
            assertThat(http.channel.isOpen()).isTrue();
        }
    }

    @Test
    void aStreamFailingBeforeAnyByteIsAnErrorStatus() {
        Router router = new Router()
                .post(
                        "/pull",
                        r -> Response.stream("application/json", out -> {
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
    void aRawStreamFailingAfterItsHeaderIsCut() {
        Router router = new Router()
                .get(
                        "/export",
                        r -> Response.stream("application/x-tar", out -> {
                            out.write("partial".getBytes(StandardCharsets.UTF_8));
                            out.flush();
                            throw new IllegalStateException("disk gone");
                        }));
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("GET /export HTTP/1.1\r\nHost: d\r\n\r\n");
            String raw = http.receive(s -> s.contains("partial") && !http.channel.isOpen());
            assertThat(raw).doesNotEndWith("0\r\n\r\n");
        }
    }

    @Test
    void rawStreamIsChunked() {
        Router router = new Router()
                .get(
                        "/export",
                        r -> Response.stream("application/x-tar", out -> {
                            for (int i = 0; i < 1000; i++) {
                                out.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
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
    void aStreamToAnHttp10ClientEndsWithTheConnection() {
        Router router = new Router()
                .get(
                        "/logs",
                        r -> Response.stream(
                                "text/plain", out -> out.write("a log line\n".getBytes(StandardCharsets.UTF_8))));
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("GET /logs HTTP/1.0\r\n\r\n");
            String raw = http.receive(s -> s.contains("a log line") && !http.channel.isOpen());
            assertThat(raw).doesNotContainIgnoringCase("transfer-encoding").containsIgnoringCase("connection: close");
        }
    }

    @Test
    void aFileRegionIsSentWithItsLength() throws Exception {
        Path blob = Files.writeString(dir.resolve("blob"), "0123456789");
        Router router = new Router().get("/blob", r -> Response.file(206, "application/octet-stream", blob, 2, 5));
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("GET /blob HTTP/1.1\r\nHost: d\r\n\r\n");
            EmbeddedHttp.Parsed r = http.response();
            assertThat(r.status()).isEqualTo(206);
            assertThat(r.headers()).containsEntry("content-length", "5");
            assertThat(r.body()).isEqualTo("23456");
            assertThat(http.channel.isOpen()).isTrue();
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        CountDownLatch slow = new CountDownLatch(1);
        Router router = new Router()
                .get("/slow", r -> {
                    slow.await();
                    return text("first");
                })
                .get("/fast", r -> text("second"));
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("GET /slow HTTP/1.1\r\nHost: d\r\n\r\nGET /fast HTTP/1.1\r\nHost: d\r\n\r\n");
            http.pump();
            slow.countDown();
            String both = http.receive(s -> s.contains("second"));
            assertThat(both.indexOf("first")).isLessThan(both.indexOf("second"));
        }
    }

    @Test
    void aBodyTheHandlerLeftIsDrainedAndTheConnectionServesTheNextRequest() {
        AtomicInteger served = new AtomicInteger();
        Router router = new Router().post("/ignore", r -> {
            served.incrementAndGet();
            return Response.status(401);
        });
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("POST /ignore HTTP/1.1\r\nHost: d\r\nContent-Length: 20000\r\n\r\n");
            assertThat(http.response().status()).isEqualTo(401);
            http.send("x".repeat(20000));
            http.send("POST /ignore HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\n\r\n");
            assertThat(http.response().status()).isEqualTo(401);
            assertThat(served).hasValue(2);
            assertThat(http.channel.isOpen()).isTrue();
        }
    }

    @Test
    void hijackUpgradesAndEchoesUntilClientHalfCloses() {
        Router router = new Router()
                .post(
                        "/echo",
                        r -> Response.hijack("application/vnd.docker.raw-stream", conn -> {
                            InputStream in = conn.input();
                            OutputStream out = conn.output();
                            byte[] buf = new byte[1024];
                            for (int n; (n = in.read(buf)) > 0; ) {
                                out.write(buf, 0, n);
                            }
                            out.write("bye".getBytes(StandardCharsets.UTF_8));
                        }));
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send(
                    "POST /echo HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n");
            String head = http.receive(s -> s.contains("\r\n\r\n"));
            assertThat(head)
                    .startsWith("HTTP/1.1 101 UPGRADED\r\n")
                    .containsIgnoringCase("upgrade: tcp")
                    .containsIgnoringCase("content-type: application/vnd.docker.raw-stream")
                    .containsIgnoringCase("server: test");
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
    void hijackWithoutUpgradeAnswersAnHttp10StreamUntilClose() {
        Router router = new Router()
                .post(
                        "/attach",
                        r -> Response.hijack("application/vnd.docker.raw-stream", conn -> {
                            conn.output().write("output".getBytes(StandardCharsets.UTF_8));
                        }));
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("POST /attach HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\n\r\n");
            String all = http.receive(s -> s.endsWith("output") && !http.channel.isOpen());
            assertThat(all).startsWith("HTTP/1.0 200 OK\r\n").doesNotContainIgnoringCase("content-length");
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
                            out.write("{\"StatusCode\":0}\n".getBytes(StandardCharsets.UTF_8));
                        }));
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("POST /wait HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\n\r\n");
            String head = http.receive(s -> s.contains("\r\n\r\n"));
            assertThat(head).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\n");
            release.countDown();
            assertThat(http.receive(s -> s.endsWith("0\r\n\r\n"))).contains("{\"StatusCode\":0}");
        }
    }

    @Test
    void malformedRequestIs400AndCloses() {
        try (EmbeddedHttp http = new EmbeddedHttp(new Router())) {
            http.send("GET /x HTTP/1.1\r\nHost: d\r\nContent-Length: nope\r\n\r\n");
            EmbeddedHttp.Parsed r = http.response();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).startsWith("{\"message\":\"malformed HTTP request: ");
            http.receive(s -> !http.channel.isOpen());
        }
    }
}
