package dev.berth.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChmodTest {
    @Test
    void octalSetsEveryModeExactly() {
        assertThat(Chmod.parse("755").apply(0600, false)).isEqualTo(0755);
        assertThat(Chmod.parse("0644").apply(0755, true)).isEqualTo(0644);
        assertThatThrownBy(() -> Chmod.parse("17777")).hasMessageContaining("invalid chmod parameter");
    }

    @Test
    void symbolicChangesEachModeLikeChmod() {
        assertThat(Chmod.parse("+x").apply(0644, false)).isEqualTo(0755);
        assertThat(Chmod.parse("u=rwX,go=rX").apply(0600, false)).isEqualTo(0644);
        assertThat(Chmod.parse("u=rwX,go=rX").apply(0700, false)).isEqualTo(0755);
        assertThat(Chmod.parse("u=rwX,go=rX").apply(0700, true)).isEqualTo(0755);
        assertThat(Chmod.parse("u=rwX,go=rX").apply(0600, true)).isEqualTo(0755);
        assertThat(Chmod.parse("g=u").apply(0740, false)).isEqualTo(0770);
        assertThat(Chmod.parse("go-w").apply(0666, false)).isEqualTo(0644);
        assertThat(Chmod.parse("u+s").apply(0755, false)).isEqualTo(04755);
        assertThat(Chmod.parse("a=r").apply(0777, false)).isEqualTo(0444);
        assertThatThrownBy(() -> Chmod.parse("u")).hasMessageContaining("invalid chmod parameter");
        assertThatThrownBy(() -> Chmod.parse("u+q")).hasMessageContaining("invalid chmod parameter");
    }
}
