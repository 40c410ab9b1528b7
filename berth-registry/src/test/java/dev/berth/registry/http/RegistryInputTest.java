package dev.berth.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests the registry refuses before any endpoint, as Go's net/http server (distribution's)
 * refuses them: the Host header's presence and form, and a Content-Length no route takes.
 */
class RegistryInputTest {
    @TempDir
    Path root;

    private RegistryFixture reg;

    @BeforeEach
    void start() {
        reg = RegistryFixture.start(root);
    }

    @AfterEach
    void stop() {
        reg.close();
    }

    /** Reads an answer's head (up to its empty line). */
    static String head(InputStream in) throws IOException {
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

    /** Sends {@code request} on a connection of its own and reads the answer's head. */
    private String answer(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", reg.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return head(s.getInputStream());
        }
    }

    @Test
    void aWellFormedRequestIsServed() throws IOException {
        assertThat(answer("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1:5000\r\n\r\n")).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void aMissingRepeatedOrMalformedHostIs400() throws IOException {
        assertThat(answer("GET /v2/ HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(answer("GET /v2/ HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(answer("GET /v2/ HTTP/1.1\r\nHost: <script>\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(answer("GET /v2/ HTTP/1.1\r\nHost: a\u0007b\r\n\r\n")).startsWith("HTTP/1.1 400 ");
    }

    @Test
    void aContentLengthNoRouteTakesIs413BeforeTheBodyIsRead() throws IOException {
        try (Socket s = new Socket("127.0.0.1", reg.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write("GET /v2/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999999\r\n\r\n{}"
                            .getBytes(StandardCharsets.ISO_8859_1));
            String head = head(s.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 413 ").containsIgnoringCase("connection: close");
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .contains("\"code\":\"SIZE_INVALID\"", "99999999999");
        }
    }

    @Test
    void anUnparsableContentLengthIs400() throws IOException {
        for (String length : new String[] {"-5", "lots", "99999999999999999999999"}) {
            assertThat(answer("PATCH /v2/a/blobs/uploads/x HTTP/1.1\r\nHost: h\r\nContent-Length: " + length
                            + "\r\n\r\n"))
                    .as(length)
                    .startsWith("HTTP/1.1 400 ");
        }
    }
}
