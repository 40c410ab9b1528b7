package dev.berth.build.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ADD's URL fetches against a local HTTP server: redirects, digests, Last-Modified, failures. */
class DownloadsTest {
    private static final byte[] CONTENT = "hello from a URL\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private HttpServer server;
    private String base;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/file.txt", exchange -> {
            exchange.getResponseHeaders().set("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT");
            answer(exchange, 200, CONTENT);
        });
        server.createContext("/moved", exchange -> redirect(exchange, 301, "/again?x=1"));
        server.createContext("/again", exchange -> redirect(exchange, 307, base + "/file.txt"));
        server.createContext("/loop", exchange -> redirect(exchange, 302, "/loop"));
        server.createContext("/missing", exchange -> answer(exchange, 404, "no".getBytes(StandardCharsets.UTF_8)));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aFileIsWrittenWithItsDigestAndLastModified() throws IOException {
        Downloads.Fetched fetched = new Downloads().fetch(base + "/file.txt", dir.resolve("f"));

        assertThat(Files.readAllBytes(dir.resolve("f"))).isEqualTo(CONTENT);
        assertThat(fetched.digest()).isEqualTo(Digest.sha256(CONTENT));
        assertThat(fetched.lastModified()).isEqualTo(Optional.of(Instant.parse("2015-10-21T07:28:00Z")));
    }

    @Test
    void redirectsAreFollowedRelativeAndAbsolute() throws IOException {
        Downloads.Fetched fetched = new Downloads().fetch(base + "/moved", dir.resolve("f"));

        assertThat(Files.readAllBytes(dir.resolve("f"))).isEqualTo(CONTENT);
        assertThat(fetched.digest()).isEqualTo(Digest.sha256(CONTENT));
    }

    @Test
    void anErrorStatusFailsTheFetch() {
        assertThatThrownBy(() -> new Downloads().fetch(base + "/missing", dir.resolve("f")))
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessage("failed to GET " + base + "/missing with status 404");
    }

    @Test
    void endlessRedirectsStop() {
        assertThatThrownBy(() -> new Downloads().fetch(base + "/loop", dir.resolve("f")))
                .isInstanceOf(BerthException.class)
                .hasMessage("failed to GET " + base + "/loop with status 302");
    }

    @Test
    void nothingListeningIsUnavailable() {
        server.stop(0);
        assertThatThrownBy(() -> new Downloads().fetch(base + "/file.txt", dir.resolve("f")))
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE))
                .hasMessageStartingWith("failed to GET " + base + "/file.txt: ");
    }

    private static void redirect(HttpExchange exchange, int status, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        answer(exchange, status, new byte[0]);
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
