package dev.berth.core.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The cases of distribution/reference's reference_test.go (TestReferenceParse and friends). */
class ReferenceGrammarTest {
    private static final String FFFF64 = "f".repeat(64);
    private static final String FFFF128 = "f".repeat(128);

    /** input, name, domain, tag, digest (null when absent). */
    static Stream<Arguments> validReferences() {
        return Stream.of(
                arguments("test_com", "test_com", "", null, null),
                arguments("test.com:tag", "test.com", "", "tag", null),
                arguments("test.com:5000", "test.com", "", "5000", null),
                arguments("test.com/repo:tag", "test.com/repo", "test.com", "tag", null),
                arguments("test:5000/repo", "test:5000/repo", "test:5000", null, null),
                arguments("test:5000/repo:tag", "test:5000/repo", "test:5000", "tag", null),
                arguments("test:5000/repo@sha256:" + FFFF64, "test:5000/repo", "test:5000", null, "sha256:" + FFFF64),
                arguments(
                        "test:5000/repo:tag@sha256:" + FFFF64,
                        "test:5000/repo",
                        "test:5000",
                        "tag",
                        "sha256:" + FFFF64),
                arguments("lowercase:Uppercase", "lowercase", "", "Uppercase", null),
                arguments(
                        "a/".repeat(128) + "a:tag-puts-this-over-max",
                        "a/".repeat(128) + "a",
                        "a",
                        "tag-puts-this-over-max",
                        null),
                arguments(
                        "a/".repeat(127) + "a:tag-puts-this-over-max",
                        "a/".repeat(127) + "a",
                        "a",
                        "tag-puts-this-over-max",
                        null),
                arguments(
                        "sub-dom1.foo.com/bar/baz/quux",
                        "sub-dom1.foo.com/bar/baz/quux",
                        "sub-dom1.foo.com",
                        null,
                        null),
                arguments(
                        "sub-dom1.foo.com/bar/baz/quux:some-long-tag",
                        "sub-dom1.foo.com/bar/baz/quux",
                        "sub-dom1.foo.com",
                        "some-long-tag",
                        null),
                arguments(
                        "b.gcr.io/test.example.com/my-app:test.example.com",
                        "b.gcr.io/test.example.com/my-app",
                        "b.gcr.io",
                        "test.example.com",
                        null),
                arguments("xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com/myimage", "xn--n3h.com", "xn--n3h.com", null),
                arguments(
                        "xn--7o8h.com/myimage:xn--7o8h.com@sha512:" + FFFF128,
                        "xn--7o8h.com/myimage",
                        "xn--7o8h.com",
                        "xn--7o8h.com",
                        "sha512:" + FFFF128),
                arguments("foo_bar.com:8080", "foo_bar.com", "", "8080", null),
                arguments("foo/foo_bar.com:8080", "foo/foo_bar.com", "foo", "8080", null),
                arguments("192.168.1.1", "192.168.1.1", "", null, null),
                arguments("192.168.1.1:tag", "192.168.1.1", "", "tag", null),
                arguments("192.168.1.1:5000", "192.168.1.1", "", "5000", null),
                arguments("192.168.1.1/repo", "192.168.1.1/repo", "192.168.1.1", null, null),
                arguments("192.168.1.1:5000/repo", "192.168.1.1:5000/repo", "192.168.1.1:5000", null, null),
                arguments("192.168.1.1:5000/repo:5050", "192.168.1.1:5000/repo", "192.168.1.1:5000", "5050", null),
                arguments("[2001:db8::1]/repo", "[2001:db8::1]/repo", "[2001:db8::1]", null, null),
                arguments(
                        "[2001:db8:1:2:3:4:5:6]/repo:tag",
                        "[2001:db8:1:2:3:4:5:6]/repo",
                        "[2001:db8:1:2:3:4:5:6]",
                        "tag",
                        null),
                arguments("[2001:db8::1]:5000/repo", "[2001:db8::1]:5000/repo", "[2001:db8::1]:5000", null, null),
                arguments("[2001:db8::1]:5000/repo:tag", "[2001:db8::1]:5000/repo", "[2001:db8::1]:5000", "tag", null),
                arguments(
                        "[2001:db8::1]:5000/repo@sha256:" + FFFF64,
                        "[2001:db8::1]:5000/repo",
                        "[2001:db8::1]:5000",
                        null,
                        "sha256:" + FFFF64),
                arguments(
                        "[2001:db8::1]:5000/repo:tag@sha256:" + FFFF64,
                        "[2001:db8::1]:5000/repo",
                        "[2001:db8::1]:5000",
                        "tag",
                        "sha256:" + FFFF64),
                arguments("[2001:db8::]:5000/repo", "[2001:db8::]:5000/repo", "[2001:db8::]:5000", null, null),
                arguments("[::1]:5000/repo", "[::1]:5000/repo", "[::1]:5000", null, null));
    }

    @ParameterizedTest
    @MethodSource("validReferences")
    void parseSplitsNameDomainTagAndDigestWithoutNormalizing(
            String input, String name, String domain, String tag, String digest) {
        ReferenceGrammar.Parts parts = ReferenceGrammar.parse(input);

        assertThat(parts.toString()).isEqualTo(input);
        assertThat(parts.name()).isEqualTo(name);
        assertThat(parts.domain()).isEqualTo(domain);
        assertThat(parts.tag()).isEqualTo(tag);
        assertThat(parts.digest() == null ? null : parts.digest().toString()).isEqualTo(digest);
    }

    static Stream<Arguments> invalidReferences() {
        return Stream.of(
                arguments("", "repository name must have at least one component"),
                arguments(":justtag", "invalid reference format"),
                arguments("@sha256:" + FFFF64, "invalid reference format"),
                arguments("repo@sha256:" + "f".repeat(34), "invalid checksum digest length"),
                arguments("validname@invaliddigest:" + FFFF64, "unsupported digest algorithm"),
                arguments("Uppercase:tag", "repository name must be lowercase"),
                arguments("test:5000/Uppercase/lowercase:tag", "repository name must be lowercase"),
                // Upstream's table has "a/" x 128 here, from when the whole name was measured; the
                // path is what docker 28 measures, so one more element is needed to pass 255.
                arguments("a/".repeat(129) + "a:tag", "repository name must not be more than 255 characters"),
                arguments("aa/asdf$$^/aa", "invalid reference format"),
                arguments("[2001:db8::1]", "invalid reference format"),
                arguments("[2001:db8::1]:5000", "invalid reference format"),
                arguments("[2001:db8::1]:tag", "invalid reference format"),
                arguments("[fe80::1%eth0]:5000/repo", "invalid reference format"),
                arguments("[fe80::1%@invalidzone]:5000/repo", "invalid reference format"),
                // go-digest: the grammar admits upper-case hex, the digest parser does not.
                arguments("repo@sha256:" + "F".repeat(64), "invalid checksum digest format"),
                // Go's $ does not match before a trailing newline; Java's would.
                arguments("busybox\n", "invalid reference format"));
    }

    @ParameterizedTest
    @MethodSource("invalidReferences")
    void parseRejectsWithDockersMessage(String input, String message) {
        assertThatThrownBy(() -> ReferenceGrammar.parse(input)).isInstanceOfSatisfying(BerthException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    /** TestDomainAndPath (WithName). */
    @ParameterizedTest
    @MethodSource
    void domainAndPath(String input, String domain, String path) {
        ReferenceGrammar.Parts parts = ReferenceGrammar.parse(input);
        assertThat(parts.domain()).isEqualTo(domain);
        assertThat(parts.path()).isEqualTo(path);
    }

    static Stream<Arguments> domainAndPath() {
        return Stream.of(
                arguments("test.com/foo", "test.com", "foo"),
                arguments("test_com/foo", "", "test_com/foo"),
                arguments("test:8080/foo", "test:8080", "foo"),
                arguments("test.com:8080/foo", "test.com:8080", "foo"),
                arguments("test-com:8080/foo", "test-com:8080", "foo"),
                arguments("xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"latest", "1.0", "v1_2-3", "A", "_x"})
    void acceptsDockerTags(String tag) {
        assertThat(ReferenceGrammar.isTag(tag)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-foo", ".foo", "a:b", "a/b", "a@b"})
    void rejectsMalformedTags(String tag) {
        assertThat(ReferenceGrammar.isTag(tag)).isFalse();
    }

    @Test
    void rejectsTagsLongerThan128Characters() {
        assertThat(ReferenceGrammar.isTag("x".repeat(129))).isFalse();
        assertThatThrownBy(() -> ReferenceGrammar.parse("busybox:" + "x".repeat(129)))
                .hasMessage("invalid reference format");
    }

    @Test
    void remoteNamesFollowTheRegistryApiGrammar() {
        assertThat(ReferenceGrammar.isRemoteName("library/busybox")).isTrue();
        assertThat(ReferenceGrammar.isRemoteName("a__b/c---d/e.f")).isTrue();
        assertThat(ReferenceGrammar.isRemoteName("Library/busybox")).isFalse();
        assertThat(ReferenceGrammar.isRemoteName("a//b")).isFalse();
        assertThat(ReferenceGrammar.isRemoteName("a_.b")).isFalse();
    }

    @Test
    void longHostileInputFailsQuicklyWithoutOverflowingTheStack() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertThatThrownBy(() -> ReferenceGrammar.parse("a-".repeat(50_000) + "!" + "/a".repeat(50_000) + ":"))
                    .hasMessage("invalid reference format");
            assertThatThrownBy(() -> ReferenceGrammar.parse(
                            "a.".repeat(50_000) + "a:5000/" + "b_".repeat(50_000) + "b@sha256:" + "f".repeat(64)))
                    .hasMessage("repository name must not be more than 255 characters");
            assertThatThrownBy(() -> ReferenceGrammar.parse("a@" + "x.".repeat(50_000) + "x:" + "f".repeat(64)))
                    .hasMessage("unsupported digest algorithm");
            assertThatThrownBy(
                            () -> ReferenceGrammar.parse("[" + "::1".repeat(50_000) + "]/" + "a/".repeat(50_000) + "a"))
                    .hasMessage("repository name must not be more than 255 characters");
        });
    }
}
