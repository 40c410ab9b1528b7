package dev.berth.cli.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class JsonMessageDisplayTest {
    private static final String LOAD = """
            {"status":"Loading layer","progressDetail":{"current":32768,"total":1982263},"progress":"[>   ]","id":"8d09d9308a1c"}
            {"status":"Loading layer","progressDetail":{"current":1982263,"total":1982263},"progress":"[===>]","id":"8d09d9308a1c"}
            {"stream":"Loaded image: busybox:latest\\n"}
            """;

    private static String show(String stream, boolean terminal, int columns) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new JsonMessageDisplay(out, terminal, columns, ZoneOffset.UTC)
                .display(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), null);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void offATerminalProgressBarsAreLeftOutAndStreamsPrinted() {
        assertThat(show(LOAD, false, 0)).isEqualTo("Loaded image: busybox:latest\n");
    }

    @Test
    void onATerminalEachIdLineIsRedrawnInPlace() {
        String shown = show(LOAD, true, 80);
        String clear = "\u001b[1K\u001b[K\r";
        assertThat(shown)
                .isEqualTo("\n\u001b[1A" + clear + "8d09d9308a1c: Loading layer  32.77kB/1.982MB\r\u001b[1B"
                        + "\u001b[1A" + clear + "8d09d9308a1c: Loading layer  1.982MB/1.982MB\r\u001b[1B"
                        + "Loaded image: busybox:latest\n");
    }

    @Test
    void wideTerminalsGetABar() {
        String shown = show(
                "{\"status\":\"Loading layer\",\"progressDetail\":{\"current\":50,\"total\":100},\"id\":\"x\"}",
                true,
                120);
        assertThat(shown)
                .contains("x: Loading layer [=========================>                         ]      50B/100B");
    }

    @Test
    void statusLinesWithIdsButNoProgressArePlain() {
        assertThat(show("{\"status\":\"Pulling fs layer\",\"id\":\"abc\"}\n{\"status\":\"Done\"}", false, 0))
                .isEqualTo("abc: Pulling fs layer\nDone\n");
    }

    @Test
    void anErrorInTheStreamFailsWithTheDaemonsMessage() {
        String stream = LOAD.lines().findFirst().orElseThrow()
                + "\n{\"errorDetail\":{\"message\":\"unexpected EOF\"},\"error\":\"unexpected EOF\"}\n";
        assertThatThrownBy(() -> show(stream, false, 0))
                .isInstanceOf(BerthException.class)
                .hasMessage("unexpected EOF")
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.INTERNAL);
    }

    @Test
    void aTruncatedStreamIsReported() {
        assertThatThrownBy(() -> show("{\"stream\":\"Loaded", false, 0))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("error reading the daemon's progress stream");
    }
}
