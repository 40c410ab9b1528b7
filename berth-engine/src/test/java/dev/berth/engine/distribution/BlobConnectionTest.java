package dev.berth.engine.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BlobConnectionTest {
    /** Serves one connection: records the request head, answers {@code response}. */
    private static CompletableFuture<String> serveOnce(ServerSocket server, byte[] response) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    head.write(in.read());
                }
                s.getOutputStream().write(response);
                s.getOutputStream().flush();
                return head.toString(StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static BlobConnection get(ServerSocket server, List<String> headers) throws IOException {
        URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v2/r/blobs/sha256:ab?x=1");
        return BlobConnection.get(uri, headers, null, false, Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void rangeRequestReadsAPartialContentBodyOfContentLengthBytes() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> request = serveOnce(
                    server,
                    ("HTTP/1.1 206 Partial Content\r\n"
                                    + "Content-Range: bytes 3-7/8\r\nContent-Length: 5\r\n\r\ndefghEXTRA")
                            .getBytes(StandardCharsets.ISO_8859_1));
            try (BlobConnection c = get(server, List.of("Range", "bytes=3-", "Authorization", "Bearer t"))) {
                assertThat(c.status()).isEqualTo(206);
                assertThat(c.header("content-range")).hasValue("bytes 3-7/8");
                assertThat(c.contentLength()).isEqualTo(5);
                assertThat(new String(c.body().readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("defgh");
            }
            assertThat(request.get())
                    .startsWith("GET /v2/r/blobs/sha256:ab?x=1 HTTP/1.1\r\n")
                    .contains("Host: 127.0.0.1:" + server.getLocalPort() + "\r\n")
                    .contains("Range: bytes=3-\r\n")
                    .contains("Authorization: Bearer t\r\n");
        }
    }

    @Test
    void chunkedBodyIsDecodedAndTrailersDropped() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serveOnce(
                    server,
                    ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                    + "4\r\nabcd\r\n3;ext=1\r\nefg\r\n0\r\nX-Trailer: 1\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            try (BlobConnection c = get(server, List.of())) {
                assertThat(c.status()).isEqualTo(200);
                assertThat(c.contentLength()).isEqualTo(-1);
                assertThat(new String(c.body().readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("abcdefg");
            }
        }
    }

    @Test
    void aBodyCutShortIsAnEofAfterTheBytesThatCame() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serveOnce(server, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".getBytes(StandardCharsets.ISO_8859_1));
            try (BlobConnection c = get(server, List.of())) {
                InputStream body = c.body();
                assertThat(body.readNBytes(3)).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
                assertThatThrownBy(body::read).isInstanceOf(EOFException.class).hasMessageContaining("7 bytes");
            }
        }
    }

    @Test
    void aBadContentLengthIsAProtocolError() throws Exception {
        for (String length : List.of("ten", "-1", "99999999999999999999")) {
            try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                serveOnce(
                        server,
                        ("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\nabc")
                                .getBytes(StandardCharsets.ISO_8859_1));
                assertThatThrownBy(() -> get(server, List.of()))
                        .isInstanceOf(ProtocolException.class)
                        .hasMessageContaining(length);
            }
        }
    }
}
