package dev.berth.build.builder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderedOutputTest {
    private final List<String> written = new ArrayList<>();
    private final BuildOutput sink = new BuildOutput() {
        @Override
        public void stream(String text) {
            written.add(text);
        }

        @Override
        public void stderr(String text) {
            written.add("err:" + text);
        }
    };

    @Test
    void laterStagesWaitForEarlierOnesWhileTheCurrentOneWritesThrough() {
        OrderedOutput out = new OrderedOutput(sink, 3);
        out.lane(2).stream("c1");
        out.lane(1).stream("b1");
        out.lane(0).stream("a1");
        assertThat(written).containsExactly("a1");
        out.lane(1).stderr("b2");
        out.finished(0);
        assertThat(written).containsExactly("a1", "b1", "err:b2");
        out.lane(1).stream("b3");
        out.finished(2); // done early: held until the stage before it ends
        assertThat(written).containsExactly("a1", "b1", "err:b2", "b3");
        out.finished(1);
        assertThat(written).containsExactly("a1", "b1", "err:b2", "b3", "c1");
    }

    @Test
    void aFailureShowsTheStagesUpToTheFailedOneAndDropsTheRest() {
        OrderedOutput out = new OrderedOutput(sink, 3);
        out.lane(0).stream("a1");
        out.lane(1).stream("b1");
        out.lane(2).stream("c1");
        out.failedAt(1);
        assertThat(written).containsExactly("a1", "b1");
        out.lane(2).stream("c2");
        assertThat(written).containsExactly("a1", "b1");
    }
}
