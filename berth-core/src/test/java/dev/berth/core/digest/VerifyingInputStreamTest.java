package dev.berth.core.digest;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerifyingInputStreamTest {
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);
    private static final Digest HELLO_SHA256 = Digest.sha256(HELLO);

    @Test
    void rightBytesPassThrough() throws IOException {
        try (InputStream in = new VerifyingInputStream(new ByteArrayInputStream(HELLO), HELLO_SHA256, 5)) {
            assertThat(in.readAllBytes()).isEqualTo(HELLO);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void wrongDigestFailsAtTheEnd() {
        Digest other = Digest.sha256(new byte[] {1});
        InputStream in = new VerifyingInputStream(new ByteArrayInputStream(HELLO), other, -1);

        assertThatThrownBy(in::readAllBytes)
                .isInstanceOfSatisfying(BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.DATA_LOSS))
                .hasMessage("digest mismatch: expected " + other + " got " + HELLO_SHA256);
    }

    @Test
    void shortStreamFailsInsteadOfEnding() {
        InputStream in = new VerifyingInputStream(new ByteArrayInputStream(HELLO, 0, 4), HELLO_SHA256, 5);

        assertThatThrownBy(in::readAllBytes)
                .isInstanceOfSatisfying(BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.DATA_LOSS))
                .hasMessageStartingWith("size mismatch for " + HELLO_SHA256 + ": expected 5 bytes, got 4");
    }

    @Test
    void longStreamIsCutOffAsSoonAsItOverruns() throws IOException {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }
        };
        VerifyingInputStream in = new VerifyingInputStream(endless, HELLO_SHA256, 5);
        byte[] buffer = new byte[3];
        assertThat(in.read(buffer)).isEqualTo(3);
        assertThatThrownBy(() -> in.read(buffer))
                .isInstanceOfSatisfying(BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.DATA_LOSS))
                .hasMessageStartingWith("size mismatch for " + HELLO_SHA256 + ": expected 5 bytes, got 6");
    }
}
