package dev.berth.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The Host header and the body's size, checked as Go's net/http server checks them, before any handler. */
class RequestLimitsTest {
    private final AtomicInteger handled = new AtomicInteger();
    private final Router router = new Router()
            .get("/x", r -> {
                handled.incrementAndGet();
                return Response.text("ok");
            })
            .post("/json", r -> {
                handled.incrementAndGet();
                return Response.text(new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
            })
            .post("/upload", Router.STREAM, r -> {
                handled.incrementAndGet();
                return Response.text("taken");
            });

    private EmbeddedHttp.Parsed answer(String request) {
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send(request);
            return http.response();
        }
    }

    @Test
    void http11WithoutHostIs400() {
        EmbeddedHttp.Parsed r = answer("GET /x HTTP/1.1\r\n\r\n");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("missing required Host header");
        assertThat(handled).hasValue(0);
    }

    @Test
    void http10NeedsNoHost() {
        assertThat(answer("GET /x HTTP/1.0\r\n\r\n").status()).isEqualTo(200);
    }

    @Test
    void twoHostHeadersAre400() {
        EmbeddedHttp.Parsed r = answer("GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("too many Host headers");
        assertThat(handled).hasValue(0);
    }

    @Test
    void aHostWithJunkIs400() {
        for (String host : new String[] {"a b", "<script>", "a/b", "a\"b", "h\u00e9"}) {
            EmbeddedHttp.Parsed r = answer("GET /x HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
            assertThat(r.status()).as(host).isEqualTo(400);
        }
        assertThat(handled).hasValue(0);
    }

    @Test
    void aHostWithAControlCharacterIs400() {
        for (char c : new char[] {0x01, 0x1b, 0x7f, '\t'}) {
            EmbeddedHttp.Parsed r = answer("GET /x HTTP/1.1\r\nHost: a" + c + "b\r\n\r\n");
            assertThat(r.status()).as("0x%02x", (int) c).isEqualTo(400);
        }
        assertThat(handled).hasValue(0);
    }

    @Test
    void hostsClientsSendAreServed() {
        for (String host :
                new String[] {"api.moby.localhost", "localhost:2375", "127.0.0.1:5000", "[::1]:2376", "docker", ""}) {
            assertThat(answer("GET /x HTTP/1.1\r\nHost: " + host + "\r\n\r\n").status())
                    .as(host)
                    .isEqualTo(200);
        }
    }

    @Test
    void aContentLengthOverTheRouteLimitIs413BeforeAnythingIsRead() {
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("POST /json HTTP/1.1\r\nHost: d\r\nContent-Length: 99999999999\r\n\r\n{}");
            EmbeddedHttp.Parsed r = http.response();
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.body()).contains("Content-Length 99999999999 exceeds the limit of " + Router.DEFAULT_MAX_BODY);
            assertThat(r.headers()).as("no body that size can be drained").containsEntry("connection", "close");
            http.receive(s -> !http.channel.isOpen());
        }
        assertThat(handled).hasValue(0);
    }

    @Test
    void aStreamRouteTakesAnyLength() {
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("POST /upload HTTP/1.1\r\nHost: d\r\nContent-Length: 99999999999\r\n\r\nsome");
            assertThat(http.response().body()).isEqualTo("taken");
        }
    }

    @Test
    void aContentLengthThatIsNoNumberIs400() {
        for (String length : new String[] {"-1", "ten", "1e3", "99999999999999999999999", "5, 6"}) {
            EmbeddedHttp.Parsed r = answer("POST /json HTTP/1.1\r\nHost: d\r\nContent-Length: " + length + "\r\n\r\n");
            assertThat(r.status()).as(length).isEqualTo(400);
        }
        assertThat(handled).hasValue(0);
    }

    @Test
    void aRefusedRequestIsNotInvitedToSendItsBody() {
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("POST /json HTTP/1.1\r\nHost: d\r\nExpect: 100-continue\r\nContent-Length: 99999999999\r\n\r\n");
            String raw = http.receive(s -> s.contains("\r\n\r\n"));
            assertThat(raw).startsWith("HTTP/1.1 413 ").doesNotContain("100 Continue");
        }
    }

    @Test
    void aRefusalIsAnsweredInItsTurnAndADrainableBodyKeepsTheConnection() throws Exception {
        try (EmbeddedHttp http = new EmbeddedHttp(router)) {
            http.send("GET /x HTTP/1.1\r\nHost: d\r\n\r\n"
                    + "POST /json HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"
                    + "GET /x HTTP/1.1\r\nHost: d\r\n\r\n");
            String all = http.receive(s -> s.split("HTTP/1.1 ", -1).length == 4);
            assertThat(all.indexOf("200 OK")).isLessThan(all.indexOf("400 Bad Request"));
            assertThat(all.lastIndexOf("200 OK")).isGreaterThan(all.indexOf("400 Bad Request"));
            assertThat(http.channel.isOpen()).isTrue();
        }
        assertThat(handled).hasValue(2);
    }
}
