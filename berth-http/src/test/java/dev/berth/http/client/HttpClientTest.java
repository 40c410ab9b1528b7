package dev.berth.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a server socket that answers exactly what each test writes. */
class HttpClientTest {
    private ServerSocket server;
    private final HttpClient client = new HttpClient(Duration.ofSeconds(5), "berth-test");
    private final AtomicInteger connections = new AtomicInteger();

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        server.close();
    }

    private Target target() {
        return Target.tcp("127.0.0.1", server.getLocalPort(), null);
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("client closed");
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Serves one connection: for each answer, reads a request head, then writes the answer. */
    private CompletableFuture<List<String>> serve(String... answers) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept()) {
                connections.incrementAndGet();
                List<String> heads = new java.util.ArrayList<>();
                for (String answer : answers) {
                    heads.add(head(s.getInputStream()));
                    s.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                }
                return heads;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void rangeRequestReadsAPartialContentBodyOfContentLengthBytes() throws Exception {
        CompletableFuture<List<String>> request =
                serve("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 3-7/8\r\nContent-Length: 5\r\n\r\ndefgh");
        ClientRequest get = ClientRequest.of("GET", "/v2/r/blobs/sha256:ab?x=1")
                .header("Range", "bytes=3-")
                .header("Authorization", "Bearer t");
        try (ClientResponse r = client.send(target(), get, Duration.ofSeconds(5))) {
            assertThat(r.status()).isEqualTo(206);
            assertThat(r.header("content-range")).hasValue("bytes 3-7/8");
            assertThat(r.contentLength()).isEqualTo(5);
            assertThat(new String(r.body().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("defgh");
        }
        assertThat(request.get().getFirst())
                .startsWith("GET /v2/r/blobs/sha256:ab?x=1 HTTP/1.1\r\n")
                .contains("Host: 127.0.0.1:" + server.getLocalPort() + "\r\n")
                .contains("User-Agent: berth-test\r\n")
                .contains("Range: bytes=3-\r\n")
                .contains("Authorization: Bearer t\r\n");
    }

    @Test
    void chunkedBodyIsDecodedAndTrailersDropped() throws Exception {
        serve(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3;ext=1\r\nefg\r\n0\r\nX-Trailer: 1\r\n\r\n");
        try (ClientResponse r = client.send(target(), ClientRequest.of("GET", "/"))) {
            assertThat(r.contentLength()).isEqualTo(-1);
            assertThat(new String(r.body().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("abcdefg");
        }
    }

    @Test
    void interimAnswersAreReadPast() throws Exception {
        serve("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        try (ClientResponse r = client.send(target(), ClientRequest.of("GET", "/"))) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().readAllBytes()).isEqualTo("ok".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aBodyCutShortIsAnEofAfterTheBytesThatCame() throws Exception {
        serve("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        try (ClientResponse r = client.send(target(), ClientRequest.of("GET", "/"))) {
            InputStream body = r.body();
            assertThat(body.readNBytes(3)).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
            assertThatThrownBy(body::read).isInstanceOf(EOFException.class).hasMessageContaining("7 bytes");
        }
    }

    @Test
    void aBadContentLengthIsAProtocolError() throws Exception {
        for (String length : List.of("ten", "-1", "99999999999999999999")) {
            serve("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\nabc");
            assertThatThrownBy(() -> client.send(target(), ClientRequest.of("GET", "/")))
                    .isInstanceOf(ProtocolException.class)
                    .hasMessageContaining(length);
        }
    }

    @Test
    void aConnectionWhoseAnswerWasReadToItsEndServesTheNextRequest() throws Exception {
        CompletableFuture<List<String>> heads = serve(
                "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none",
                "HTTP/1.1 204 No Content\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo");
        for (String expected : new String[] {"one", "", "two"}) {
            try (ClientResponse r = client.send(target(), ClientRequest.of("GET", "/" + expected))) {
                assertThat(new String(r.body().readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo(expected);
            }
        }
        assertThat(heads.get()).hasSize(3);
        assertThat(connections).hasValue(1);
    }

    @Test
    void anAnswerNotReadToItsEndClosesItsConnection() throws Exception {
        serve("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        try (ClientResponse r = client.send(target(), ClientRequest.of("GET", "/"))) {
            assertThat(r.body().read()).isEqualTo('h');
        }
        serve("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        try (ClientResponse r = client.send(target(), ClientRequest.of("GET", "/"))) {
            assertThat(r.body().readAllBytes()).isEqualTo("ok".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(connections).hasValue(2);
    }

    @Test
    void aKeptConnectionTheServerClosedIsReplacedAndTheRequestSentAgain() throws Exception {
        CompletableFuture<List<String>> first = serve("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        try (ClientResponse r = client.send(target(), ClientRequest.of("GET", "/a"))) {
            r.body().readAllBytes();
        }
        first.get(); // the server closed that connection after its one answer
        CompletableFuture<List<String>> second = serve("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain");
        try (ClientResponse r =
                client.send(target(), ClientRequest.of("PUT", "/b").body(new byte[] {1, 2, 3}))) {
            assertThat(r.body().readAllBytes()).isEqualTo("again".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(second.get().getFirst()).startsWith("PUT /b HTTP/1.1\r\n").contains("Content-Length: 3\r\n");
    }

    @Test
    void aStreamedBodyGoesChunkedOrWithItsLength() throws Exception {
        byte[] data = new byte[700_000];
        new java.util.Random(7).nextBytes(data);
        for (long length : new long[] {data.length, -1}) {
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    String head = head(s.getInputStream());
                    byte[] body = head.contains("Transfer-Encoding: chunked")
                            ? dechunk(s.getInputStream())
                            : s.getInputStream().readNBytes(data.length);
                    s.getOutputStream().write("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n".getBytes());
                    return body;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            ClientRequest put = ClientRequest.of("PUT", "/upload").body(() -> new ByteArrayInputStream(data), length);
            try (ClientResponse r = client.send(target(), put)) {
                assertThat(r.status()).isEqualTo(201);
            }
            assertThat(received.get()).isEqualTo(data);
        }
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                line.append((char) c);
            }
            int size = Integer.parseInt(line.toString().strip(), 16);
            if (size == 0) {
                in.readNBytes(2);
                return out.toByteArray();
            }
            out.write(in.readNBytes(size));
            in.readNBytes(2);
        }
    }

    @Test
    void aSourceThatFailsIsReportedAsTheCause() throws Exception {
        CompletableFuture.runAsync(() -> {
            try (Socket s = server.accept()) {
                head(s.getInputStream());
                s.getInputStream().readAllBytes(); // until the client cuts its upload
                s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes());
            } catch (IOException ignored) {
                // the client may be gone first
            }
        });
        InputStream failing = new InputStream() {
            int sent;

            @Override
            public int read() throws IOException {
                if (sent++ < 10) {
                    return 'x';
                }
                throw new IOException("disk read error");
            }
        };
        ClientRequest put = ClientRequest.of("PUT", "/x").bodyOnce(failing, -1);
        try (ClientResponse r = client.send(target(), put)) {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.sourceFailure(Duration.ofSeconds(5))).hasMessage("disk read error");
        } catch (HttpClient.SourceFailureException e) {
            assertThat(e.getCause()).hasMessage("disk read error");
        }
    }

    @Test
    void afterAnUpgradeTheConnectionIsARawPipeBothWays() throws Exception {
        CompletableFuture<String> echoed = CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept()) {
                head(s.getInputStream());
                OutputStream out = s.getOutputStream();
                out.write("HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n".getBytes());
                byte[] stdin = s.getInputStream().readAllBytes(); // until the client half-closes
                out.write(stdin);
                return new String(stdin, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        ClientRequest attach = ClientRequest.of("POST", "/attach")
                .header("Connection", "Upgrade")
                .header("Upgrade", "tcp");
        try (ClientResponse r = client.send(target(), attach)) {
            assertThat(r.status()).isEqualTo(101);
            r.output().write("stdin".getBytes(StandardCharsets.US_ASCII));
            r.closeWrite();
            assertThat(new String(r.body().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("stdin");
        }
        assertThat(echoed.get()).isEqualTo("stdin");
    }

    @Test
    void aRefusedConnectIsAConnectFailureNamingTheTarget() throws IOException {
        int port = server.getLocalPort();
        server.close();
        assertThatThrownBy(() -> client.send(target(), ClientRequest.of("GET", "/")))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageStartingWith("cannot connect to http://127.0.0.1:" + port + ": ")
                .hasCauseInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void aConnectThatTakesTooLongIsAConnectTimeout() throws IOException {
        // A listener that accepts nothing, its queue filled: the kernel drops further SYNs.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Target target = Target.tcp("127.0.0.1", full.getLocalPort(), null);
            List<Connection> queued = new java.util.ArrayList<>();
            ConnectTimeoutException timeout = null;
            try {
                for (int i = 0; i < 8 && timeout == null; i++) {
                    try {
                        queued.add(Connection.open(target, Duration.ofMillis(300)));
                    } catch (ConnectTimeoutException e) {
                        timeout = e;
                    }
                }
            } finally {
                queued.forEach(Connection::close);
            }
            assertThat(timeout).as("a connect to a full queue times out").isNotNull();
            assertThat(timeout).hasMessageContaining("300 ms");
        }
    }
}
