package dev.berth.engine.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Detach keys read as moby's term.ToBytes, and watched for as its EscapeProxy does. */
class DetachKeysTest {
    private static byte[] scan(DetachKeys.Scanner scanner, String input) {
        byte[] buf = input.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        return scanner.scan(buf, buf.length);
    }

    @Test
    void theDefaultIsCtrlPCtrlQAndKeysTypedOneByOneDetach() {
        DetachKeys.Scanner keys = DetachKeys.parse("", "detach").scanner();
        assertThat(scan(keys, "\u0010")).isEmpty();
        assertThat(scan(keys, "\u0011")).isNull();
    }

    @Test
    void aBrokenSequenceIsForwardedWholeAndAPasteNeverDetaches() {
        DetachKeys.Scanner keys = DetachKeys.parse("ctrl-x,x", "detach").scanner();
        assertThat(scan(keys, "\u0018")).isEmpty();
        assertThat(scan(keys, "y")).isEqualTo(new byte[] {0x18, 'y'});
        assertThat(scan(keys, "\u0018x")).isEqualTo(new byte[] {0x18, 'x'});
        assertThat(scan(keys, "\u0018")).isEmpty();
        assertThat(scan(keys, "x")).isNull();
    }

    /** A client's input: a paste arrives in one read and is copied whole; typed keys detach. */
    @Test
    void copyForwardsAPasteAndStopsAtTypedKeys() throws Exception {
        DetachKeys keys = DetachKeys.parse("", "detach");
        java.io.ByteArrayOutputStream stdin = new java.io.ByteArrayOutputStream();
        assertThat(DetachKeys.copy(
                        new java.io.ByteArrayInputStream("a\u0010\u0011b".getBytes()), stdin, keys.scanner()))
                .isTrue();
        assertThat(stdin.toString()).isEqualTo("a\u0010\u0011b");

        stdin.reset();
        java.io.InputStream typed = new java.io.ByteArrayInputStream("ab\u0010\u0011c".getBytes()) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1)); // one key a read, as typed
            }
        };
        assertThat(DetachKeys.copy(typed, stdin, keys.scanner())).isFalse();
        assertThat(stdin.toString()).isEqualTo("ab");
    }

    @Test
    void controlCharactersDelAndSingleCharactersAreKeysAndNothingElseIs() {
        DetachKeys.Scanner keys =
                DetachKeys.parse("ctrl-@,ctrl-_,DEL,a", "detach").scanner();
        assertThat(scan(keys, "\u0000")).isEmpty();
        assertThat(scan(keys, "\u001f")).isEmpty();
        assertThat(scan(keys, "\u007f")).isEmpty();
        assertThat(scan(keys, "a")).isNull();
        for (String bad : new String[] {"ctrl-1", "ctrl-A", "ab", "a,", "é"}) {
            assertThatThrownBy(() -> DetachKeys.parse(bad, "escape"))
                    .hasMessage("Invalid escape keys (" + bad + ") provided");
        }
    }
}
