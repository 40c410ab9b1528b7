package dev.berth.cli.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BuildDisplayTest {
    private static final String STREAM = """
            {"stream":"Step 1/2 : FROM busybox"}
            {"stream":"\\n"}
            {"stream":" ---> 1a2b3c4d5e6f\\n"}
            {"stream":"Step 2/2 : RUN echo hi"}
            {"stream":"\\n"}
            {"stream":" ---> Running in 0123456789ab\\n"}
            {"stream":"hi\\n"}
            {"stream":"\\u001b[91moops\\n\\u001b[0m"}
            {"stream":"Removing intermediate container 0123456789ab\\n"}
            {"stream":" ---> abcdefabcdef\\n"}
            {"aux":{"ID":"sha256:abc"}}
            {"stream":"Successfully built abcdefabcdef\\n"}
            """;

    private static ByteArrayInputStream in(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aPipeGetsTheDaemonsLinesWithoutColours() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String id =
                new BuildDisplay(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 80).display(in(STREAM));
        assertThat(id).isEqualTo("sha256:abc");
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("Step 1/2 : FROM busybox\n ---> 1a2b3c4d5e6f\nStep 2/2 : RUN echo hi\n"
                        + " ---> Running in 0123456789ab\nhi\noops\nRemoving intermediate container 0123456789ab\n"
                        + " ---> abcdefabcdef\nSuccessfully built abcdefabcdef\n");
    }

    @Test
    void aTerminalGetsOneLinePerStep() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new BuildDisplay(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, 80).display(in(STREAM));
        String screen = bytes.toString(StandardCharsets.UTF_8);
        assertThat(screen)
                .contains("Step 1/2 : FROM busybox")
                .contains("Step 2/2 : RUN echo hi")
                .contains("Successfully built abcdefabcdef")
                .doesNotContain("Running in");
    }

    @Test
    void anErrorCarriesTheStepsExitCode() {
        String failing = """
                {"stream":"Step 1/1 : RUN exit 3"}
                {"stream":"\\n"}
                {"errorDetail":{"code":3,"message":"The command '/bin/sh -c exit 3' returned a non-zero code: 3"},"error":"x"}
                """;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertThatThrownBy(() -> new BuildDisplay(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, 80)
                        .display(in(failing)))
                .isInstanceOfSatisfying(
                        BuildDisplay.Failed.class, f -> assertThat(f.code()).isEqualTo(3))
                .hasMessageContaining("returned a non-zero code: 3");
    }
}
