package dev.berth.core.http;

import static dev.berth.core.http.ResponseHeadTest.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ResponseBodyTest {
    private static InputStream body(String method, String response) throws IOException {
        InputStream in = stream(response);
        return ResponseBody.open(method, ResponseHead.read(in), in);
    }

    private static String text(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aContentLengthBodyEndsAfterThatManyBytes() throws IOException {
        InputStream body = body("GET", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA");

        assertThat(body.read()).isEqualTo('h');
        assertThat(text(body)).isEqualTo("ello");
        assertThat(body.read()).isEqualTo(-1);
    }

    @Test
    void anEmptyContentLengthBodyIsEmpty() throws IOException {
        assertThat(text(body("GET", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nEXTRA")))
                .isEmpty();
    }

    @Test
    void aContentLengthBodyCutShortIsAnEofAfterTheBytesThatCame() throws IOException {
        InputStream body = body("GET", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");

        assertThat(body.readNBytes(3)).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(body::read).isInstanceOf(EOFException.class).hasMessageContaining("7 bytes");
        assertThatThrownBy(() -> body.read(new byte[4])).isInstanceOf(EOFException.class);
    }

    @Test
    void aChunkedBodyIsDecodedWithExtensionsAndTrailersDropped() throws IOException {
        InputStream in = stream(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "4\r\nabcd\r\n3 ;ext=1;q=\"x\"\r\nefg\r\nA\r\n0123456789\r\n0;end\r\nX-Trailer: 1\r\nY: 2\r\n\r\nNEXT");
        InputStream body = ResponseBody.open("GET", ResponseHead.read(in), in);

        assertThat(body.read()).isEqualTo('a');
        assertThat(text(body)).isEqualTo("bcdefg0123456789");
        assertThat(body.read()).isEqualTo(-1);
        assertThat(text(in)).as("the stream after the body").isEqualTo("NEXT");
    }

    @Test
    void aChunkedBodyCutShortIsAnEof() throws IOException {
        InputStream inChunk = body("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\nabc");
        assertThat(inChunk.readNBytes(3)).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(inChunk::read).isInstanceOf(EOFException.class);

        InputStream beforeLastChunk = body("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
        assertThat(beforeLastChunk.readNBytes(3)).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(beforeLastChunk::read).isInstanceOf(EOFException.class);
    }

    @Test
    void badChunkFramingIsAProtocolError() throws IOException {
        for (String size : new String[] {"-5", "+5", "zz", "", "1000000000000000"}) {
            InputStream body = body(
                    "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\nabcde\r\n0\r\n\r\n");
            assertThatThrownBy(body::read).isInstanceOf(ProtocolException.class).hasMessageContaining("bad chunk size");
        }
        InputStream noCrlf =
                body("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n");
        assertThatThrownBy(() -> noCrlf.read(new byte[10]))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("not followed by CRLF");
    }

    @Test
    void withoutFramingTheBodyRunsUntilTheConnectionCloses() throws IOException {
        assertThat(text(body("GET", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it")))
                .isEqualTo("all of it");
        assertThat(text(body(
                        "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\nall of it")))
                .as("a final coding other than chunked")
                .isEqualTo("all of it");
    }

    @Test
    void anUpgradedStreamIsRawBytes() throws IOException {
        assertThat(
                        text(
                                body(
                                        "POST",
                                        "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n\u0001\u0000\u0000\u0000raw")))
                .isEqualTo("\u0001\u0000\u0000\u0000raw");
    }

    @Test
    void responsesWithoutABodyAreEmptyWhateverTheirHeadSays() throws IOException {
        assertThat(text(body("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")))
                .isEmpty();
        assertThat(text(body("GET", "HTTP/1.1 204 No Content\r\n\r\nEXTRA"))).isEmpty();
        assertThat(text(body("GET", "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n")))
                .isEmpty();
        assertThat(text(ResponseBody.open(
                        "GET", new ResponseHead(100, "Continue", java.util.Map.of(), 5), stream("HELLO"))))
                .isEmpty();
    }

    @Test
    void closingTheBodyClosesTheStreamUnderIt() throws IOException {
        for (String framing : new String[] {"Content-Length: 5", "Transfer-Encoding: chunked"}) {
            AtomicBoolean closed = new AtomicBoolean();
            InputStream in =
                    new ByteArrayInputStream(
                            ("HTTP/1.1 200 OK\r\n" + framing + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)) {
                        @Override
                        public void close() {
                            closed.set(true);
                        }
                    };
            ResponseBody.open("GET", ResponseHead.read(in), in).close();
            assertThat(closed).as(framing).isTrue();
        }
    }
}
