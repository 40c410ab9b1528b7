package dev.berth.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {
    @Test
    void parsesGoDurations() {
        assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("300ms")).isEqualTo(Duration.ofMillis(300));
        assertThat(GoDuration.parse("2us")).isEqualTo(Duration.ofNanos(2000));
        assertThat(GoDuration.parse("-2m")).isEqualTo(Duration.ofMinutes(-2));
        assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
    }

    @Test
    void rejectsWhatGoRejects() {
        assertThat(GoDuration.parse("")).isNull();
        assertThat(GoDuration.parse("10")).isNull();
        assertThat(GoDuration.parse("1d")).isNull();
        assertThat(GoDuration.parse(".s")).isNull();
        assertThat(GoDuration.parse("2023-01-01")).isNull();
    }

    @Test
    void formatsAsGoPrintsDurations() {
        assertThat(GoDuration.format(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(GoDuration.format(Duration.ofMinutes(1))).isEqualTo("1m0s");
        assertThat(GoDuration.format(Duration.ofMillis(3_723_500))).isEqualTo("1h2m3.5s");
        assertThat(GoDuration.format(Duration.ofNanos(1_500_000))).isEqualTo("1.5ms");
        assertThat(GoDuration.format(Duration.ofNanos(999))).isEqualTo("999ns");
        assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
    }
}
