package dev.berth.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Java's {@link Op} and the shim's native/steps.h are one table: same steps, order, owners and arities. */
class OpTableTest {
    private static final Pattern STEP =
            Pattern.compile("^STEP\\(([A-Z_]+), \"([a-z-]+)\", (SUPERVISOR|CHILD), (\\d+), (\\d+|MANY)\\)$");

    @Test
    void javaAndTheShimKnowTheSameSteps() throws IOException {
        Path header = Path.of(System.getProperty("basedir", "."))
                .resolve("../native/steps.h")
                .normalize();
        List<String> c = new ArrayList<>();
        for (String line : Files.readAllLines(header)) {
            if (line.startsWith("STEP(")) {
                Matcher m = STEP.matcher(line);
                assertThat(m.matches())
                        .as("a STEP line of %s: %s", header, line)
                        .isTrue();
                c.add(String.join(" ", m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)));
            }
        }
        List<String> java = Arrays.stream(Op.values())
                .map(op -> String.join(
                        " ",
                        op.name(),
                        op.wireName(),
                        op.who().name(),
                        Integer.toString(op.min()),
                        op.max() == Op.MANY ? "MANY" : Integer.toString(op.max())))
                .toList();
        assertThat(c).as("native/steps.h").containsExactlyElementsOf(java);
    }

    @Test
    void aStepWithTheWrongNumberOfArgumentsIsRefusedBeforeTheShimSeesIt() {
        assertThatThrownBy(() -> new Plan().add(Op.MOUNT, "a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mount takes 5 to 6 arguments, not 1");
        assertThat(new Plan().add(Op.GROUPS).add(Op.GROUPS, 1, 2, 3).steps()).hasSize(2);
    }
}
