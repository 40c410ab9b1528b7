package dev.berth.api.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FiltersTest {
    @Test
    void readsCurrentForm() {
        Filters f = Filters.parse("{\"label\":{\"a=b\":true,\"c\":true},\"dangling\":{\"true\":true}}");
        assertThat(f.get("label")).containsExactly("a=b", "c");
        assertThat(f.bool("dangling")).isTrue();
    }

    @Test
    void readsLegacyForm() {
        Filters f = Filters.parse("{\"reference\":[\"busybox\",\"alpine:*\"]}");
        assertThat(f.get("reference")).containsExactly("busybox", "alpine:*");
    }

    @Test
    void emptyMeansNone() {
        assertThat(Filters.parse(null).isEmpty()).isTrue();
        assertThat(Filters.parse("").isEmpty()).isTrue();
        assertThat(Filters.parse("{}").exactMatch("type", "image")).isTrue();
    }

    @Test
    void malformedJsonIsInvalidArgument() {
        assertThatThrownBy(() -> Filters.parse("{not json"))
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageStartingWith("invalid filter");
    }

    @Test
    void validateNamesTheUnknownFilter() {
        assertThatThrownBy(() -> Filters.parse("{\"foo\":[\"x\"]}").validate(List.of("label")))
                .hasMessage("invalid filter 'foo'");
    }

    @Test
    void matchHelpersBehaveLikeMoby() {
        Filters f = Filters.parse("{\"container\":[\"abc\"],\"label\":[\"k=v\",\"only\"]}");
        assertThat(f.fuzzyMatch("container", "abcdef")).isTrue();
        assertThat(f.fuzzyMatch("container", "xabc")).isFalse();
        assertThat(f.exactMatch("container", "abcdef")).isFalse();
        assertThat(f.matchKeyValues("label", Map.of("k", "v", "only", ""))).isTrue();
        assertThat(f.matchKeyValues("label", Map.of("k", "w", "only", ""))).isFalse();
        assertThat(f.matchKeyValues("label", Map.of("k", "v"))).isFalse();
    }

    @Test
    void boolFilterRejectsGarbage() {
        assertThatThrownBy(() -> Filters.parse("{\"dangling\":[\"maybe\"]}").bool("dangling"))
                .hasMessage("invalid filter 'dangling=maybe'");
    }
}
