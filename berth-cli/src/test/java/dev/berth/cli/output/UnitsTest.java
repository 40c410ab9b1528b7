package dev.berth.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void sizesHaveThreeSignificantDigitsInDecimalUnitsLikeDockerImages() {
        assertThat(Units.size(0)).isEqualTo("0B");
        assertThat(Units.size(999)).isEqualTo("999B");
        assertThat(Units.size(1000)).isEqualTo("1kB");
        assertThat(Units.size(7800)).isEqualTo("7.8kB");
        assertThat(Units.size(1982263)).isEqualTo("1.98MB");
        assertThat(Units.size(4261550)).isEqualTo("4.26MB");
        assertThat(Units.size(123_456_789)).isEqualTo("123MB");
        assertThat(Units.size(1_500_000_000L)).isEqualTo("1.5GB");
    }

    @Test
    void roundingToThreeDigitsCanCarryIntoExponentFormAsGoDoes() {
        // Go: fmt.Sprintf("%.3g", 999.9) == "1e+03"
        assertThat(Units.size(999.9)).isEqualTo("1e+03B");
        assertThat(Units.formatG(0.00001234, 3)).isEqualTo("1.23e-05");
        assertThat(Units.formatG(0.25, 3)).isEqualTo("0.25");
    }

    @Test
    void humanSizeKeepsFourDigitsAndBytesSizeIsBinary() {
        assertThat(Units.humanSize(1982263)).isEqualTo("1.982MB");
        assertThat(Units.humanSize(0)).isEqualTo("0B");
        assertThat(Units.bytesSize(25_275_715_584L)).isEqualTo("23.54GiB");
        assertThat(Units.bytesSize(512)).isEqualTo("512B");
    }

    @Test
    void durationsReadLikeDockers() {
        assertThat(Units.duration(Duration.ofMillis(300))).isEqualTo("Less than a second");
        assertThat(Units.duration(Duration.ofSeconds(1))).isEqualTo("1 second");
        assertThat(Units.duration(Duration.ofSeconds(59))).isEqualTo("59 seconds");
        assertThat(Units.duration(Duration.ofSeconds(61))).isEqualTo("About a minute");
        assertThat(Units.duration(Duration.ofMinutes(2))).isEqualTo("2 minutes");
        assertThat(Units.duration(Duration.ofMinutes(59))).isEqualTo("59 minutes");
        assertThat(Units.duration(Duration.ofMinutes(80))).isEqualTo("About an hour");
        assertThat(Units.duration(Duration.ofMinutes(90))).isEqualTo("2 hours");
        assertThat(Units.duration(Duration.ofHours(47))).isEqualTo("47 hours");
        assertThat(Units.duration(Duration.ofDays(3))).isEqualTo("3 days");
        assertThat(Units.duration(Duration.ofDays(20))).isEqualTo("2 weeks");
        assertThat(Units.duration(Duration.ofDays(90))).isEqualTo("3 months");
        assertThat(Units.duration(Duration.ofDays(365 * 55 + 14))).isEqualTo("55 years");
    }

    @Test
    void idsAreCutToTwelveHexDigitsWithoutTheAlgorithm() {
        assertThat(Units.truncateId("sha256:b0145a7ee55073c7bec2d019a4aeaaac6aee249eee40cf26869ec16301c9812d"))
                .isEqualTo("b0145a7ee550");
        assertThat(Units.truncateId("<missing>")).isEqualTo("<missing>");
    }

    @Test
    void ellipsisKeepsTheLimitIncludingTheEllipsis() {
        assertThat(Units.ellipsis("short", 45)).isEqualTo("short");
        assertThat(Units.ellipsis("/bin/sh -c #(nop)  CMD [\"sh\"] and a lot more text after", 20))
                .isEqualTo("/bin/sh -c #(nop)  …")
                .hasSize(20);
    }
}
