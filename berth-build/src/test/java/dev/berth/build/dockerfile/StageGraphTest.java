package dev.berth.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StageGraphTest {
    private static StageGraph plan(String text, String target) {
        Dockerfile f = Dockerfile.parse(text);
        BuildArgs args = new BuildArgs(Map.of());
        return StageGraph.plan(f, target, args, args.globals(f.globalArgs(), Map.of(), f.lex()));
    }

    private static final String THREE_INDEPENDENT = """
            FROM busybox AS a
            RUN work a
            FROM busybox AS b
            RUN work b
            FROM busybox AS unused
            RUN never
            FROM busybox AS c
            ARG FROM_STAGE=b
            RUN --mount=type=bind,from=c0,target=/x true
            FROM busybox AS c0
            FROM busybox
            COPY --from=a /a /a
            COPY --from=${FROM_STAGE:-b} /b /b
            COPY --from=2 /c /c
            COPY --from=c /c /c
            """;

    @Test
    void buildsOnlyTheStagesTheTargetNeeds() {
        StageGraph g = plan(THREE_INDEPENDENT, null);
        assertThat(g.order()).extracting(Stage::displayName).containsExactly("a", "b", "unused", "c0", "c", "5");
        assertThat(g.needs().get(5)).containsExactly(0, 1, 2, 3);
        assertThat(g.needs().get(0)).isEmpty();
        assertThat(g.needs().get(3)).containsExactly(4);
        assertThat(g.target()).isEqualTo(5);
    }

    @Test
    void aTargetStopsAtItsStage() {
        StageGraph g = plan(THREE_INDEPENDENT, "B");
        assertThat(g.order()).extracting(Stage::displayName).containsExactly("b");
        assertThat(g.target()).isEqualTo(1);
        assertThatThrownBy(() -> plan(THREE_INDEPENDENT, "nosuch"))
                .hasMessage("failed to reach build target nosuch in Dockerfile");
    }

    @Test
    void aStageFromAnEarlierStageWaitsForIt() {
        StageGraph g = plan("ARG B=base\nFROM busybox AS base\nFROM ${B}\nFROM later AS later\n", "later");
        assertThat(g.order()).extracting(Stage::displayName).containsExactly("later");
        StageGraph second = plan("ARG B=base\nFROM busybox AS base\nFROM ${B}\n", null);
        assertThat(second.baseStage(1)).contains(0);
        assertThat(second.baseStage(0)).isEmpty();
    }

    @Test
    void aCycleIsAnError() {
        assertThatThrownBy(() -> plan("FROM x AS a\nCOPY --from=b / /\nFROM x AS b\nCOPY --from=a / /\n", "a"))
                .hasMessageContaining("circular dependency detected on stage: a");
    }
}
