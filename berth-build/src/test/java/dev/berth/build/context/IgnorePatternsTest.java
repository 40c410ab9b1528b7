package dev.berth.build.context;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IgnorePatternsTest {
    @Test
    void readsTheFileAsDockerDoes() {
        assertThat(IgnorePatterns.read("\uFEFF# comment\n  *.log  \n/abs/path/\n!./keep/../keep.log\n\n dir//sub \n#x"))
                .containsExactly("*.log", "abs/path", "!keep.log", "dir/sub");
    }

    @Test
    void theLastMatchingPatternDecides() {
        IgnorePatterns p = IgnorePatterns.parse("*.md\n!README.md\nREADME*.md\n");
        assertThat(p.excludes("a.md")).isTrue();
        assertThat(p.excludes("README.md")).isTrue();
        assertThat(p.excludes("dir/a.md")).isFalse();
        assertThat(IgnorePatterns.parse("*.md\n!README.md\n").excludes("README.md"))
                .isFalse();
    }

    @Test
    void aMatchingParentDirectoryExcludesItsContents() {
        IgnorePatterns p = IgnorePatterns.parse("build\nnode_modules/\n");
        assertThat(p.excludes("build")).isTrue();
        assertThat(p.excludes("build/out/x.o")).isTrue();
        assertThat(p.excludes("node_modules/a/b")).isTrue();
        assertThat(p.excludes("src/build")).isFalse();
    }

    @Test
    void doubleStarCrossesDirectories() {
        IgnorePatterns p = IgnorePatterns.parse("**/*.go\n");
        assertThat(p.excludes("main.go")).isTrue();
        assertThat(p.excludes("a/b/c.go")).isTrue();
        assertThat(p.excludes("a/b/c.goo")).isFalse();
        IgnorePatterns suffix = IgnorePatterns.parse("**/tmp\n");
        assertThat(suffix.excludes("tmp")).isTrue();
        assertThat(suffix.excludes("a/b/tmp/file")).isTrue();
        IgnorePatterns prefix = IgnorePatterns.parse("logs/**\n");
        assertThat(prefix.excludes("logs/a/b")).isTrue();
        assertThat(prefix.excludes("logsx")).isFalse();
        assertThat(IgnorePatterns.parse("a/**/b\n").excludes("a/x/y/b")).isTrue();
        assertThat(IgnorePatterns.parse("a/**/b\n").excludes("a/b")).isTrue();
        assertThat(IgnorePatterns.parse("**\n!keep\n").excludes("keep")).isFalse();
    }

    @Test
    void singleStarAndQuestionMarkStayInOneDirectory() {
        IgnorePatterns p = IgnorePatterns.parse("*/temp*\nfile?.txt\n");
        assertThat(p.excludes("somedir/temporary.txt")).isTrue();
        assertThat(p.excludes("a/b/temp")).isFalse();
        assertThat(p.excludes("file1.txt")).isTrue();
        assertThat(p.excludes("file10.txt")).isFalse();
        assertThat(IgnorePatterns.parse("a.b\n").excludes("axb")).isFalse();
    }

    @Test
    void knowsWhenAnIgnoredDirectoryMustStillBeWalked() {
        assertThat(IgnorePatterns.parse("docs\n!docs/keep.md\n").mayIncludeBelow("docs"))
                .isTrue();
        assertThat(IgnorePatterns.parse("docs\n!src/keep.md\n").mayIncludeBelow("docs"))
                .isFalse();
        assertThat(IgnorePatterns.parse("docs\n!**/*.md\n").mayIncludeBelow("docs"))
                .isTrue();
        assertThat(IgnorePatterns.parse("docs\n").mayIncludeBelow("docs")).isFalse();
    }
}
