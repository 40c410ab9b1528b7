package dev.berth.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.core.sys.Libc;
import org.junit.jupiter.api.Assumptions;

/** Prerequisites of *IT tests: under CI=true a missing one fails, elsewhere the test is skipped. */
public final class Root {
    private Root() {}

    public static void require() {
        requireThat(Libc.geteuid() == 0, "this test needs root");
    }

    public static void requireThat(boolean present, String why) {
        if (present) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail(why + " (CI=true: a missing prerequisite is a failure)");
        }
        Assumptions.abort(why);
    }
}
