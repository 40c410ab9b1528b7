package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.server.ApiServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input the API refuses before any route, on the daemon's own routes (issue 12): a Content-Length
 * no route takes is 413 before anything is read (it was a 500 once the client gave up), and the
 * Host header is checked as Go's server (dockerd's) checks it.
 */
class ApiInputTest {
    @TempDir
    Path dir;

    private DaemonFixture daemon;
    private ApiServer server;
    private Path socket;

    @BeforeEach
    void start() {
        daemon = new DaemonFixture(dir);
        socket = dir.resolve("api.sock");
        server = new ApiServer(List.of(URI.create("unix://" + socket)), daemon.router());
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        daemon.close();
    }

    /** Sends {@code request}, keeping the connection open, and reads the answer's head and body. */
    private String answer(String request) throws IOException {
        return answer(request, false);
    }

    /** As {@link #answer(String)}; {@code endInput}: the client then ends its side (a body cut short). */
    private String answer(String request, boolean endInput) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            if (endInput) {
                ch.shutdownOutput();
            }
            InputStream in = Channels.newInputStream(ch);
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return head.toString();
                }
                head.append((char) b);
            }
            String lower = head.toString().toLowerCase(java.util.Locale.ROOT);
            if (!lower.contains("content-length: ")) {
                return head.toString(); // a stream (chunked): its head says enough
            }
            int length = Integer.parseInt(lower.replaceAll("(?s).*content-length: (\\d+).*", "$1"));
            return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aContentLengthOverTheLimitIs413BeforeTheBodyIsRead() throws IOException {
        // The body never comes: the answer must not wait for it.
        String r = answer("POST /v1.50/containers/create HTTP/1.1\r\nHost: api.moby.localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: 99999999999\r\n\r\n{}");
        assertThat(r)
                .startsWith("HTTP/1.1 413 ")
                .contains("Api-Version: 1.50")
                .endsWith("{\"message\":\"request body too large: Content-Length 99999999999 exceeds the limit of "
                        + (16 << 20) + " bytes\"}\n");
    }

    @Test
    void anUnparsableContentLengthIs400() throws IOException {
        for (String length : new String[] {"-1", "12abc", "99999999999999999999999"}) {
            assertThat(answer("POST /containers/create HTTP/1.1\r\nHost: d\r\nContent-Length: " + length + "\r\n\r\n"))
                    .as(length)
                    .startsWith("HTTP/1.1 400 ");
        }
    }

    @Test
    void anArchiveRouteTakesALargeBody() throws IOException {
        // A docker load of 100 GB is legitimate: it is read, and fails here only because it ends at once.
        String r = answer("POST /images/load HTTP/1.1\r\nHost: d\r\nContent-Length: 99999999999\r\n\r\n", true);
        assertThat(r).startsWith("HTTP/1.1 ").doesNotStartWith("HTTP/1.1 413 ");
    }

    @Test
    void aMissingHostIs400() throws IOException {
        assertThat(answer("GET /images/json HTTP/1.1\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ")
                .endsWith("{\"message\":\"missing required Host header\"}\n");
    }

    @Test
    void twoHostHeadersAre400() throws IOException {
        assertThat(answer("GET /images/json HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ")
                .endsWith("{\"message\":\"too many Host headers\"}\n");
    }

    @Test
    void junkAndControlCharactersInHostAre400() throws IOException {
        for (String host : new String[] {"<junk>", "a b", "evil\u0001host", "x\u001b[31m"}) {
            assertThat(answer("GET /images/json HTTP/1.1\r\nHost: " + host + "\r\n\r\n"))
                    .as(host)
                    .startsWith("HTTP/1.1 400 ");
        }
    }

    @Test
    void whatDockerClientsSendIsServed() throws IOException {
        for (String host : new String[] {"api.moby.localhost", "localhost:2375", "docker", "[::1]:2376"}) {
            assertThat(answer("GET /images/json HTTP/1.1\r\nHost: " + host + "\r\n\r\n"))
                    .as(host)
                    .startsWith("HTTP/1.1 200 ");
        }
        assertThat(answer("GET /images/json HTTP/1.0\r\n\r\n"))
                .as("HTTP/1.0 needs no Host")
                .startsWith("HTTP/1.1 200 ");
    }
}
