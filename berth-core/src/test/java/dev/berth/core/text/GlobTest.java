package dev.berth.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void followsGoOnClassesAndStars() {
        assertThat(Glob.matches("a*b*c", "axxbyyc")).isTrue();
        assertThat(Glob.matches("a*b", "a/b")).isFalse();
        assertThat(Glob.matches("*.txt", "dir/a.txt")).isFalse();
        assertThat(Glob.matches("[a-c]x", "bx")).isTrue();
        assertThat(Glob.matches("arr[[]0].txt", "arr[0].txt")).isTrue();
        assertThat(Glob.matches("a?c", "a/c")).isFalse();
        assertThat(Glob.matches("[\\]]", "]")).isTrue();
    }

    @Test
    void rejectsMalformedPatternsAsGoDoes() {
        assertThatThrownBy(() -> Glob.matchesStrict("[", "a")).hasMessageContaining("syntax error in pattern");
        assertThatThrownBy(() -> Glob.matchesStrict("a\\", "a")).hasMessageContaining("syntax error in pattern");
        assertThatThrownBy(() -> Glob.matchesStrict("[]a]", "a")).hasMessageContaining("syntax error in pattern");
        // Go checks the rest of the pattern even after a mismatch
        assertThatThrownBy(() -> Glob.matchesStrict("x*[", "y")).hasMessageContaining("syntax error in pattern");
        assertThat(Glob.matches("[", "a")).isFalse();
    }

    @Test
    void findsWildcards() {
        assertThat(Glob.hasWildcard("a/*.txt")).isTrue();
        assertThat(Glob.hasWildcard("a?")).isTrue();
        assertThat(Glob.hasWildcard("a[b]")).isTrue();
        assertThat(Glob.hasWildcard("plain/file.txt")).isFalse();
        assertThat(Glob.hasWildcard("a\\*")).isFalse();
    }
}
