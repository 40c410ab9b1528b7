package dev.berth.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseHeadTest {
    static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void statusReasonAndFieldsAreReadAndTheStreamIsLeftAtTheBody() throws IOException {
        InputStream in =
                stream("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 3-7/8\r\nContent-Length: 5\r\n\r\ndefgh");

        ResponseHead head = ResponseHead.read(in);

        assertThat(head.status()).isEqualTo(206);
        assertThat(head.reason()).isEqualTo("Partial Content");
        assertThat(head.header("Content-Range")).hasValue("bytes 3-7/8");
        assertThat(head.contentLength()).isEqualTo(5);
        assertThat(head.chunked()).isFalse();
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("defgh");
    }

    @Test
    void interimResponsesAreReadPastButSwitchingProtocolsIsTheAnswer() throws IOException {
        InputStream in = stream("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        ResponseHead head = ResponseHead.read(in);

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Link")).isEmpty();
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("ok");
        assertThat(ResponseHead.read(stream("HTTP/1.1 101 UPGRADED\r\nUpgrade: tcp\r\n\r\n"))
                        .status())
                .isEqualTo(101);
    }

    @Test
    void fieldNamesAreCaseInsensitiveAndRepeatedFieldsAreJoined() throws IOException {
        ResponseHead head = ResponseHead.read(
                stream("HTTP/1.1 200 OK\r\nCONTENT-TYPE:application/json \r\nVary: a\r\nvary: b\r\n\r\n"));

        assertThat(head.header("content-type")).hasValue("application/json");
        assertThat(head.header("Content-Type")).hasValue("application/json");
        assertThat(head.header("VARY")).hasValue("a, b");
        assertThat(head.header("Location")).isEmpty();
        assertThat(head.contentLength()).isEqualTo(-1);
    }

    @Test
    void bareLineFeedsAndEmptyLinesBeforeTheStatusLineAreTolerated() throws IOException {
        ResponseHead head = ResponseHead.read(stream("\r\n\nHTTP/1.0 404\nX-A: 1\n\n"));

        assertThat(head.status()).isEqualTo(404);
        assertThat(head.reason()).isEmpty();
        assertThat(head.header("x-a")).hasValue("1");
    }

    @Test
    void aFoldedLineContinuesThePreviousField() throws IOException {
        ResponseHead head = ResponseHead.read(
                stream(
                        "HTTP/1.1 401 Unauthorized\r\nWww-Authenticate: Bearer realm=\"r\",\r\n \tservice=\"s\"\r\nX: 1\r\n\r\n"));

        assertThat(head.header("www-authenticate")).hasValue("Bearer realm=\"r\", service=\"s\"");
        assertThat(head.header("x")).hasValue("1");
    }

    @Test
    void malformedStatusLinesAreProtocolErrors() {
        for (String status : List.of(
                "SSH-2.0-OpenSSH_9.6",
                "HTTP/1.1",
                "HTTP/1.1 OK 200",
                "HTTP/1.1 -20 X",
                "HTTP/1.1 2000 X",
                "HTTP/2 200 OK")) {
            assertThatThrownBy(() -> ResponseHead.read(stream(status + "\r\n\r\n")))
                    .isInstanceOf(ProtocolException.class)
                    .hasMessage("malformed HTTP status line: " + status);
        }
    }

    @Test
    void aFieldWithoutANameIsAProtocolError() {
        assertThatThrownBy(() -> ResponseHead.read(stream("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n")))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("malformed HTTP header: no colon here");
        assertThatThrownBy(() -> ResponseHead.read(stream("HTTP/1.1 200 OK\r\n: v\r\n\r\n")))
                .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> ResponseHead.read(stream("HTTP/1.1 200 OK\r\n folded: first\r\n\r\n")))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("folded line before any field");
    }

    @Test
    void aBadContentLengthIsAProtocolErrorNamingIt() {
        for (String length : List.of("ten", "-1", "+5", "5 5", "", "99999999999999999999", "5, 6")) {
            assertThatThrownBy(() ->
                            ResponseHead.read(stream("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\nabc")))
                    .isInstanceOf(ProtocolException.class)
                    .hasMessage("bad Content-Length: " + length);
        }
    }

    @Test
    void repeatedEqualContentLengthsAreOneLength() throws IOException {
        ResponseHead head =
                ResponseHead.read(stream("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n"));

        assertThat(head.contentLength()).isEqualTo(3);
    }

    @Test
    void transferEncodingOverridesContentLength() throws IOException {
        ResponseHead head = ResponseHead.read(
                stream("HTTP/1.1 200 OK\r\nContent-Length: nonsense\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"));

        assertThat(head.chunked()).isTrue();
        assertThat(head.contentLength()).isEqualTo(-1);
    }

    @Test
    void aStreamThatEndsInTheHeadIsAnEof() {
        assertThatThrownBy(() -> ResponseHead.read(stream("")))
                .isInstanceOf(EOFException.class)
                .hasMessage("connection closed without a response");
        assertThatThrownBy(() -> ResponseHead.read(stream("HTTP/1.1 200 OK\r\nContent-Le")))
                .isInstanceOf(EOFException.class)
                .hasMessage("connection closed before the response's headers ended");
    }

    @Test
    void aHeadOver64KiBIsRefused() {
        String field = "X-Padding: " + "p".repeat(1000) + "\r\n";
        assertThatThrownBy(() -> ResponseHead.read(stream("HTTP/1.1 200 OK\r\n" + field.repeat(70) + "\r\n")))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("HTTP response head longer than 65536 bytes");
        assertThatThrownBy(() -> ResponseHead.read(stream("\r\n".repeat(40_000) + "HTTP/1.1 200 OK\r\n\r\n")))
                .isInstanceOf(ProtocolException.class);
    }
}
