package dev.berth.api.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.tls.TlsFiles;
import dev.berth.http.server.Response;
import dev.berth.http.server.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's tcp:// listeners with TLS (--tlsverify): fixtures from src/test/resources/tls/generate.sh. */
class ApiServerTlsTest {
    static final Path FIXTURES = Path.of("src/test/resources/tls");

    @TempDir
    Path dir;

    private ApiServer server;
    private Path socket;
    private final Router router = new Router()
            .get("/_ping", r -> Response.bytes("text/plain", "OK".getBytes(ISO_8859_1)))
            .post(
                    "/echo",
                    r -> Response.hijack("application/vnd.docker.raw-stream", conn -> {
                        byte[] all = conn.input().readAllBytes();
                        conn.output().write(all);
                        conn.output().write("bye".getBytes(ISO_8859_1));
                    }));

    @BeforeEach
    void start() {
        TlsFiles files = new TlsFiles(
                true,
                FIXTURES.resolve("ca.pem"),
                FIXTURES.resolve("server-cert.pem"),
                FIXTURES.resolve("server-key.pem"));
        socket = dir.resolve("api.sock");
        server = new ApiServer(
                List.of(URI.create("unix://" + socket), URI.create("tcp://127.0.0.1:0")),
                router,
                Duration.ofSeconds(2),
                files.serverContext());
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int port() {
        return ((InetSocketAddress) server.boundAddresses().get(1)).getPort();
    }

    private SSLSocket connect(String client) throws IOException {
        TlsFiles files = client == null
                ? new TlsFiles(true, FIXTURES.resolve("ca.pem"), null, null)
                : new TlsFiles(
                        true,
                        FIXTURES.resolve("ca.pem"),
                        FIXTURES.resolve(client + "-cert.pem"),
                        FIXTURES.resolve(client + "-key.pem"));
        SSLContext context = files.clientContext();
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static String ping(Socket s) throws IOException {
        s.getOutputStream().write("GET /_ping HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n".getBytes(ISO_8859_1));
        s.getOutputStream().flush();
        return new String(s.getInputStream().readAllBytes(), ISO_8859_1);
    }

    @Test
    void aClientWithACertificateOfTheCaIsServed() throws Exception {
        try (SSLSocket s = connect("client")) {
            assertThat(ping(s)).startsWith("HTTP/1.1 200 OK").endsWith("OK");
        }
    }

    @Test
    void tlsWithoutVerifyServesClientsWithoutCertificate() throws Exception {
        TlsFiles files =
                new TlsFiles(false, null, FIXTURES.resolve("server-cert.pem"), FIXTURES.resolve("server-key.pem"));
        try (ApiServer tlsOnly = new ApiServer(
                List.of(URI.create("tcp://127.0.0.1:0")), router, Duration.ofSeconds(2), files.serverContext())) {
            tlsOnly.start();
            int tlsPort = ((InetSocketAddress) tlsOnly.boundAddresses().getFirst()).getPort();
            SSLContext client = new TlsFiles(true, FIXTURES.resolve("ca.pem"), null, null).clientContext();
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", tlsPort)) {
                s.setSoTimeout(10_000);
                assertThat(ping(s)).startsWith("HTTP/1.1 200 OK");
            }
        }
    }

    @Test
    void theUnixSocketStaysPlain() throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(
                    "GET /_ping HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n".getBytes(ISO_8859_1)));
            assertThat(new String(Channels.newInputStream(ch).readAllBytes(), ISO_8859_1))
                    .startsWith("HTTP/1.1 200 OK");
        }
    }

    @Test
    void aClientWithoutCertificateIsRefused() {
        assertThatThrownBy(() -> {
                    try (SSLSocket s = connect(null)) {
                        ping(s);
                    }
                })
                .isInstanceOf(IOException.class);
    }

    @Test
    void aClientCertificateOfAnotherCaIsRefused() {
        assertThatThrownBy(() -> {
                    try (SSLSocket s = connect("other-client")) {
                        ping(s);
                    }
                })
                .isInstanceOf(IOException.class);
    }

    @Test
    void plainHttpGetsGoAnswerAndNoApi() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.setSoTimeout(10_000);
            String answer = ping(s);
            assertThat(answer)
                    .isEqualTo("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n")
                    .doesNotContain("Api-Version");
        }
    }

    @Test
    void otherPlainBytesAreClosedUnanswered() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("HELLO THERE\r\n".getBytes(ISO_8859_1));
            assertThat(s.getInputStream().readAllBytes()).isEmpty();
        }
    }

    @Test
    void hijackedStreamSeesCloseNotifyAsEndOfInputAndStillAnswers() throws Exception {
        // Layered on a plain socket that it does not own, shutdownOutput sends close_notify and no
        // FIN: what Go's tls.Conn.CloseWrite does at the end of docker's piped stdin.
        TlsFiles files = new TlsFiles(
                true,
                FIXTURES.resolve("ca.pem"),
                FIXTURES.resolve("client-cert.pem"),
                FIXTURES.resolve("client-key.pem"));
        try (Socket plain = new Socket("127.0.0.1", port());
                SSLSocket s = (SSLSocket)
                        files.clientContext().getSocketFactory().createSocket(plain, "127.0.0.1", port(), false)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /echo HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
                            + "Content-Length: 0\r\n\r\n")
                    .getBytes(ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101 UPGRADED");
            out.write("stdin".getBytes(ISO_8859_1));
            out.flush();
            s.shutdownOutput();
            assertThat(plain.isOutputShutdown()).isFalse();
            assertThat(new String(in.readAllBytes(), ISO_8859_1)).isEqualTo("stdinbye");
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
