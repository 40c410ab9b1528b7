package dev.berth.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class ExitCodesTest {
    private static String report(Throwable failure, int expectedCode) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ExitCodes.report(failure, new PrintStream(err, true, StandardCharsets.UTF_8), false);
        assertThat(code).isEqualTo(expectedCode);
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyKindOfDaemonOrLocalFailureExitsOneWithItsMessageOnly() {
        for (ErrorKind kind : ErrorKind.values()) {
            assertThat(report(new BerthException(kind, "Error response from daemon: x"), 1))
                    .isEqualTo("Error response from daemon: x\n");
        }
        assertThat(report(new NoSuchFileException("/tmp/nope.tar"), 1))
                .isEqualTo("open /tmp/nope.tar: no such file or directory\n");
        assertThat(report(new UncheckedIOException(new IOException("Broken pipe")), 1))
                .isEqualTo("Broken pipe\n");
    }

    @Test
    void aBugIsReportedWithItsStackTrace() {
        assertThat(report(new NullPointerException("boom"), 1))
                .startsWith("internal error: java.lang.NullPointerException: boom\n")
                .contains("at dev.berth.cli.command.ExitCodesTest");
    }
}
