package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdleCollectorTest {
    private static final long MIB = 1 << 20;

    private long used = 10 * MIB;
    private long committed = 16 * MIB;
    private int collections;

    private final IdleCollector collector = new IdleCollector(() -> used, () -> committed, () -> {
        collections++;
        used = 9 * MIB;
        committed = 14 * MIB;
    });

    @Test
    void aHeapThatGrewIsCollectedOnceTheDaemonIsQuiet() {
        collector.tick();
        used = 60 * MIB; // a pull
        committed = 80 * MIB;
        assertThat(collector.tick()).isFalse(); // still allocating
        assertThat(collector.tick()).isTrue(); // quiet now
        assertThat(collections).isEqualTo(1);
        assertThat(collector.tick()).isFalse(); // shrunk: nothing more to give back
        assertThat(collections).isEqualTo(1);
    }

    @Test
    void aBusyDaemonIsNotCollected() {
        committed = 80 * MIB;
        for (int i = 0; i < 5; i++) {
            used += 8 * MIB;
            assertThat(collector.tick()).isFalse();
        }
        used = 12 * MIB; // a young collection ran
        assertThat(collector.tick()).isFalse();
        assertThat(collections).isZero();
    }

    @Test
    void aQuietDaemonWhoseHeapDidNotGrowIsLeftAlone() {
        committed = 18 * MIB;
        collector.tick();
        assertThat(collector.tick()).isFalse();
        assertThat(collections).isZero();
    }
}
