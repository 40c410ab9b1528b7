package dev.berth.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HumanDurationTest {

    @Test
    void durationsReadLikeDockers() {
        assertThat(HumanDuration.of(Duration.ofMillis(300))).isEqualTo("Less than a second");
        assertThat(HumanDuration.of(Duration.ofSeconds(1))).isEqualTo("1 second");
        assertThat(HumanDuration.of(Duration.ofSeconds(59))).isEqualTo("59 seconds");
        assertThat(HumanDuration.of(Duration.ofSeconds(61))).isEqualTo("About a minute");
        assertThat(HumanDuration.of(Duration.ofMinutes(2))).isEqualTo("2 minutes");
        assertThat(HumanDuration.of(Duration.ofMinutes(59))).isEqualTo("59 minutes");
        assertThat(HumanDuration.of(Duration.ofMinutes(80))).isEqualTo("About an hour");
        assertThat(HumanDuration.of(Duration.ofMinutes(90))).isEqualTo("2 hours");
        assertThat(HumanDuration.of(Duration.ofHours(47))).isEqualTo("47 hours");
        assertThat(HumanDuration.of(Duration.ofDays(3))).isEqualTo("3 days");
        assertThat(HumanDuration.of(Duration.ofDays(20))).isEqualTo("2 weeks");
        assertThat(HumanDuration.of(Duration.ofDays(90))).isEqualTo("3 months");
        assertThat(HumanDuration.of(Duration.ofDays(365 * 55 + 14))).isEqualTo("55 years");
    }
}
