package dev.berth.core.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestingInputStreamTest {
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);
    // printf hello | sha256sum, | sha512sum
    private static final Digest HELLO_SHA256 =
            Digest.parse("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    private static final Digest HELLO_SHA512 = Digest.parse(
            "sha512:9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043");

    @Test
    void hashesAndCountsWhatIsRead() throws IOException {
        try (DigestingInputStream in = new DigestingInputStream(new ByteArrayInputStream(HELLO))) {
            assertThat(in.read()).isEqualTo('h');
            assertThat(in.readAllBytes()).hasSize(4);
            assertThat(in.count()).isEqualTo(5);
            assertThat(in.digest()).isEqualTo(HELLO_SHA256);
        }
    }

    @Test
    void sha512() throws IOException {
        try (DigestingInputStream in = new DigestingInputStream(new ByteArrayInputStream(HELLO), "sha512")) {
            in.transferTo(OutputStream.nullOutputStream());
            assertThat(in.digest()).isEqualTo(HELLO_SHA512);
        }
    }

    @Test
    void skippedBytesAreHashedToo() throws IOException {
        try (DigestingInputStream in = new DigestingInputStream(new ByteArrayInputStream(HELLO))) {
            assertThat(in.skip(3)).isEqualTo(3);
            in.readAllBytes();
            assertThat(in.count()).isEqualTo(5);
            assertThat(in.digest()).isEqualTo(HELLO_SHA256);
        }
    }

    @Test
    void digestMidwayDoesNotDisturbTheRest() throws IOException {
        try (DigestingInputStream in = new DigestingInputStream(new ByteArrayInputStream(HELLO))) {
            in.readNBytes(2);
            assertThat(in.digest()).isEqualTo(Digest.sha256("he".getBytes(StandardCharsets.US_ASCII)));
            in.readAllBytes();
            assertThat(in.digest()).isEqualTo(HELLO_SHA256);
        }
    }

    @Test
    void verifyPassesForTheRightContent() throws IOException {
        try (DigestingInputStream in = new DigestingInputStream(new ByteArrayInputStream(HELLO))) {
            in.readAllBytes();
            in.verify(HELLO_SHA256, 5);
            in.verify(null, -1);
        }
    }

    @Test
    void verifyNamesExpectedAndSeenDigest() throws IOException {
        Digest other = Digest.sha256(new byte[] {1});
        try (DigestingInputStream in = new DigestingInputStream(new ByteArrayInputStream(HELLO))) {
            in.readAllBytes();
            assertThatThrownBy(() -> in.verify(other, 5))
                    .isInstanceOfSatisfying(
                            BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.DATA_LOSS))
                    .hasMessage("digest mismatch: expected " + other + " got " + HELLO_SHA256);
        }
    }

    @Test
    void truncatedContentIsASizeMismatch() throws IOException {
        try (DigestingInputStream in = new DigestingInputStream(new ByteArrayInputStream(HELLO, 0, 3))) {
            in.readAllBytes();
            Digest seen = in.digest();
            assertThatThrownBy(() -> in.verify(HELLO_SHA256, 5))
                    .isInstanceOfSatisfying(
                            BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.DATA_LOSS))
                    .hasMessage("size mismatch for " + HELLO_SHA256 + ": expected 5 bytes, got 3 (content digest "
                            + seen + ")");
            assertThatThrownBy(() -> in.verify(null, 5))
                    .hasMessage("size mismatch for " + seen + ": expected 5 bytes, got 3");
        }
    }

    @Test
    void verifyingStreamPassesTheRightBytesThrough() throws IOException {
        try (InputStream in = DigestingInputStream.verifying(new ByteArrayInputStream(HELLO), HELLO_SHA256, 5)) {
            assertThat(in.readAllBytes()).isEqualTo(HELLO);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void verifyingStreamFailsAtTheEndOnAWrongDigest() {
        Digest other = Digest.sha256(new byte[] {1});
        InputStream in = DigestingInputStream.verifying(new ByteArrayInputStream(HELLO), other, -1);

        assertThatThrownBy(in::readAllBytes)
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.DATA_LOSS))
                .hasMessage("digest mismatch: expected " + other + " got " + HELLO_SHA256);
        assertThatThrownBy(in::read).as("again at the next read").isInstanceOf(BerthException.class);
    }

    @Test
    void verifyingStreamFailsInsteadOfEndingWhenShort() {
        InputStream in = DigestingInputStream.verifying(new ByteArrayInputStream(HELLO, 0, 4), HELLO_SHA256, 5);

        assertThatThrownBy(in::readAllBytes)
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.DATA_LOSS))
                .hasMessageStartingWith("size mismatch for " + HELLO_SHA256 + ": expected 5 bytes, got 4");
    }

    @Test
    void verifyingStreamCutsOffALongStreamAsSoonAsItOverruns() throws IOException {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }
        };
        DigestingInputStream in = DigestingInputStream.verifying(endless, HELLO_SHA256, 5);
        byte[] buffer = new byte[3];
        assertThat(in.read(buffer)).isEqualTo(3);
        assertThatThrownBy(() -> in.read(buffer))
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.DATA_LOSS))
                .hasMessageStartingWith("size mismatch for " + HELLO_SHA256 + ": expected 5 bytes, got 6");
        assertThatThrownBy(() -> in.skip(10))
                .as("skipping reads, so it is checked too")
                .isInstanceOf(BerthException.class);
    }
}
