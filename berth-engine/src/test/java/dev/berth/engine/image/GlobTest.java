package dev.berth.engine.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobTest {
    @Test
    void matchesLikeGoPathMatch() {
        assertThat(Glob.matches("busy*", "busybox")).isTrue();
        assertThat(Glob.matches("busy*", "busybox:latest")).isTrue();
        assertThat(Glob.matches("*", "foo/bar")).isFalse();
        assertThat(Glob.matches("*/*", "foo/bar")).isTrue();
        assertThat(Glob.matches("foo:v?", "foo:v1")).isTrue();
        assertThat(Glob.matches("foo:v?", "foo:v10")).isFalse();
        assertThat(Glob.matches("foo:[0-9]*", "foo:1.2")).isTrue();
        assertThat(Glob.matches("foo:[^0-9]*", "foo:1.2")).isFalse();
        assertThat(Glob.matches("a\\*b", "a*b")).isTrue();
        assertThat(Glob.matches("a\\*b", "axb")).isFalse();
        assertThat(Glob.matches("", "")).isTrue();
    }
}
