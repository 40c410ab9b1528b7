package dev.berth.http.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server on real sockets: a Unix socket and TCP at once, as the daemon serves them. */
class HttpServerTest {
    @TempDir
    Path dir;

    private HttpServer server;
    private final CountDownLatch streamClosed = new CountDownLatch(1);
    private final AtomicLong slowReaderMaxBuffered = new AtomicLong();

    private final Router router = new Router()
            .get("/hello", r -> Response.text("{\"hello\":\"world\"}"))
            .post("/upload", Router.STREAM, r -> {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[64 * 1024];
                long total = 0;
                try (InputStream in = r.body()) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        sha.update(buf, 0, n);
                        total += n;
                        slowReaderMaxBuffered.accumulateAndGet(in.available(), Math::max);
                    }
                }
                return Response.text("\"bytes\":" + total + " " + HexFormat.of().formatHex(sha.digest()));
            })
            .get("/download", r -> {
                long size = r.longValue("size", 0);
                return Response.stream("application/x-tar", out -> {
                    byte[] block = new byte[32 * 1024];
                    for (long sent = 0; sent < size; sent += block.length) {
                        out.write(block, 0, (int) Math.min(block.length, size - sent));
                    }
                });
            })
            .get(
                    "/forever",
                    r -> Response.stream("application/json", out -> {
                        out.onClose(streamClosed::countDown);
                        out.flush();
                        while (out.isOpen()) {
                            Thread.sleep(20);
                        }
                    }))
            .post(
                    "/echo",
                    r -> Response.hijack("application/vnd.docker.raw-stream", conn -> {
                        byte[] all = conn.input().readAllBytes();
                        conn.output().write(all);
                        conn.output().write("bye".getBytes(ISO_8859_1));
                    }))
            .post(
                    "/flood",
                    r -> Response.hijack("application/vnd.docker.raw-stream", conn -> {
                        conn.input().readAllBytes();
                        byte[] block = new byte[64 * 1024];
                        for (int i = 0; i < FLOOD_BLOCKS; i++) {
                            java.util.Arrays.fill(block, (byte) i);
                            conn.output().write(block);
                        }
                    }));
    private static final int FLOOD_BLOCKS = 256;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpServer server(List<Listener> listeners, Duration grace) {
        return new HttpServer("test", listeners, TestService.of(router), grace);
    }

    private Path start(String name) {
        Path socket = dir.resolve(name);
        server = server(
                List.of(
                        Listener.unix(socket),
                        Listener.tcp("tcp://127.0.0.1:0", new InetSocketAddress("127.0.0.1", 0), null)),
                Duration.ofSeconds(10));
        server.start();
        return socket;
    }

    private int tcpPort() {
        return ((InetSocketAddress) server.boundAddresses().get(1)).getPort();
    }

    private static String exchange(Path socket, String request) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(request.getBytes(ISO_8859_1)));
            return new String(Channels.newInputStream(ch).readAllBytes(), ISO_8859_1);
        }
    }

    @Test
    void servesUnixSocketWithMode0660AndTcpAtOnce() throws Exception {
        Path socket = start("api.sock");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
                .isEqualTo("rw-rw----");
        String viaUnix = exchange(socket, "GET /hello HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n");
        assertThat(viaUnix).startsWith("HTTP/1.1 200 OK").contains("{\"hello\":\"world\"}");

        HttpResponse<String> viaTcp = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tcpPort() + "/hello"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(viaTcp.statusCode()).isEqualTo(200);
        assertThat(viaTcp.headers().firstValue("server")).hasValue("test");
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
        Path socket = start("api.sock");
        String req = "GET /hello HTTP/1.1\r\nHost: d\r\n\r\n";
        String last = "GET /hello HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n";
        String all = exchange(socket, req + req + last); // pipelined, answered in order
        assertThat(all.split("HTTP/1.1 200 OK", -1)).hasSize(4);
    }

    @Test
    void staleSocketIsReplacedButALiveOneIsRefused() throws Exception {
        Path socket = dir.resolve("stale.sock");
        try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(Files.exists(socket)).as("a dead daemon's socket file").isTrue();
        start("stale.sock");
        assertThat(exchange(socket, "GET /hello HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n"))
                .contains("world");

        HttpServer second = server(List.of(Listener.unix(socket)), Duration.ofSeconds(1));
        assertThatThrownBy(second::start).hasMessage("another daemon is listening on unix://" + socket);
        assertThat(exchange(socket, "GET /hello HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n"))
                .as("the first daemon still serves")
                .contains("world");
    }

    @Test
    void regularFileInTheWayIsNotDeleted() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-socket"), "precious");
        HttpServer s = server(List.of(Listener.unix(file)), Duration.ofSeconds(1));
        assertThatThrownBy(s::start).hasMessageContaining("exists and is not a socket");
        assertThat(Files.readString(file)).isEqualTo("precious");
    }

    @Test
    void largeUploadIsStreamedWithBoundedBuffering() throws Exception {
        start("api.sock");
        long size = 64L * 1024 * 1024;
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[1024 * 1024];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i * 31);
        }
        for (long i = 0; i < size / block.length; i++) {
            sha.update(block);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tcpPort() + "/upload"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new InputStream() {
                    long left = size;

                    @Override
                    public int read() {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        if (left == 0) {
                            return -1;
                        }
                        int n = (int) Math.min(len, Math.min(left, block.length));
                        int start = (int) ((size - left) % block.length);
                        n = Math.min(n, block.length - start);
                        System.arraycopy(block, start, b, off, n);
                        left -= n;
                        return n;
                    }
                }))
                .build();
        long t0 = System.nanoTime();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "upload of %d MiB: %.2f s (%.0f MiB/s), max buffered %d KiB%n",
                size >> 20, seconds, (size >> 20) / seconds, slowReaderMaxBuffered.get() >> 10);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"bytes\":" + size, HexFormat.of().formatHex(sha.digest()));
        assertThat(slowReaderMaxBuffered.get()).isLessThanOrEqualTo(ChannelInput.HIGH + 1024 * 1024);
    }

    @Test
    void largeDownloadIsChunkedAndComplete() throws Exception {
        start("api.sock");
        long size = 64L * 1024 * 1024 + 123;
        HttpResponse<InputStream> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tcpPort() + "/download?size=" + size))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        long total = 0;
        try (InputStream in = response.body()) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
            }
        }
        assertThat(total).isEqualTo(size);
    }

    @Test
    void streamLearnsWhenTheClientDisconnects() throws Exception {
        Path socket = start("api.sock");
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap("GET /forever HTTP/1.1\r\nHost: d\r\n\r\n".getBytes(ISO_8859_1)));
            ByteBuffer head = ByteBuffer.allocate(4096);
            ch.read(head);
            assertThat(new String(head.array(), 0, head.position(), ISO_8859_1)).startsWith("HTTP/1.1 200 OK");
        }
        assertThat(streamClosed.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void hijackedConnectionEchoesUntilClientHalfCloses() throws Exception {
        Path socket = start("api.sock");
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(ch);
            InputStream in = Channels.newInputStream(ch);
            out.write(("POST /echo HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
                            + "Content-Length: 0\r\n\r\n")
                    .getBytes(ISO_8859_1));
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.read());
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 101 UPGRADED");
            out.write("hello stdin".getBytes(ISO_8859_1));
            ch.shutdownOutput();
            assertThat(new String(in.readAllBytes(), ISO_8859_1)).isEqualTo("hello stdinbye");
        }
    }

    /**
     * Everything a hijacker writes arrives, also when the client half-closed before it (docker
     * does at once when it has no stdin to send). The connection was closed as soon as the
     * handler returned, failing the writes still queued; and Netty 4.2's epoll dropped a
     * half-closed connection from its epoll set, so the first write that had to wait for room
     * cut it (see {@link EpollKeepingIdleChannels}).
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void hijackedConnectionSendsEverythingItWrote(boolean halfClosed) throws Exception {
        Path socket = start("api.sock");
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(ch);
            InputStream in = Channels.newInputStream(ch);
            out.write(("POST /flood HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
                            + "Content-Length: 0\r\n\r\n")
                    .getBytes(ISO_8859_1));
            if (halfClosed) {
                ch.shutdownOutput();
            }
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.read());
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 101 UPGRADED");
            if (!halfClosed) {
                ch.shutdownOutput();
            }
            byte[] body = in.readAllBytes();
            assertThat(body.length).isEqualTo(FLOOD_BLOCKS * 64 * 1024);
            for (int i = 0; i < FLOOD_BLOCKS; i++) {
                assertThat(body[i * 64 * 1024]).as("block %d", i).isEqualTo((byte) i);
            }
        }
    }

    @Test
    void closeEndsOpenStreamsAfterTheGracePeriod() throws Exception {
        Path socket = dir.resolve("grace.sock");
        server = server(List.of(Listener.unix(socket)), Duration.ofMillis(300));
        server.start();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap("GET /forever HTTP/1.1\r\nHost: d\r\n\r\n".getBytes(ISO_8859_1)));
            ch.read(ByteBuffer.allocate(4096));
            long t0 = System.nanoTime();
            server.close();
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5);
            assertThat(streamClosed.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(ch.read(ByteBuffer.allocate(4096)))
                    .as("connection closed by the server")
                    .isEqualTo(-1);
        }
        assertThat(Files.exists(socket)).isFalse();
    }

    @Test
    void closeRemovesTheSocketFile() {
        Path socket = start("api.sock");
        server.close();
        assertThat(Files.exists(socket)).isFalse();
    }
}
