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
