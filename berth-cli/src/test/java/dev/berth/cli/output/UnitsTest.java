package dev.berth.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

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
