package dev.berth.core.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Docker's normalization: the cases of distribution/reference's normalize_test.go and more. */
class ImageReferenceTest {
    private static final String HEX64 = "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a";
    private static final String REDIS_DIGEST =
            "sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c";
    private static final String BUSYBOX_DIGEST =
            "sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582";

    @Test
    void familiarNameGetsDockerHubAndLibrary() {
        ImageReference ref = ImageReference.parse("busybox");

        assertThat(ref.domain()).isEqualTo("docker.io");
        assertThat(ref.path()).isEqualTo("library/busybox");
        assertThat(ref.tag()).isEmpty();
        assertThat(ref.digest()).isEmpty();
        assertThat(ref.repository()).isEqualTo("docker.io/library/busybox");
        assertThat(ref.toString()).isEqualTo("docker.io/library/busybox");
        assertThat(ref.withDefaultTag().toString()).isEqualTo("docker.io/library/busybox:latest");
        assertThat(ref.withDefaultTag().familiarString()).isEqualTo("busybox:latest");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "busybox:latest",
                "docker.io/busybox:latest",
                "index.docker.io/busybox:latest",
                "library/busybox:latest",
                "docker.io/library/busybox:latest",
                "index.docker.io/library/busybox"
            })
    void everySpellingOfBusyboxIsTheSameReference(String input) {
        assertThat(ImageReference.parse(input).withDefaultTag())
                .isEqualTo(ImageReference.parse("busybox").withDefaultTag())
                .hasToString("docker.io/library/busybox:latest");
    }

    @Test
    void registryWithPortKeepsItsDomainAndTag() {
        ImageReference ref = ImageReference.parse("localhost:5000/foo/bar:tag");

        assertThat(ref.domain()).isEqualTo("localhost:5000");
        assertThat(ref.path()).isEqualTo("foo/bar");
        assertThat(ref.tag()).contains("tag");
        assertThat(ref.familiarName()).isEqualTo("localhost:5000/foo/bar");
        assertThat(ref.familiarString()).isEqualTo("localhost:5000/foo/bar:tag");
        assertThat(ref).hasToString("localhost:5000/foo/bar:tag");
    }

    @Test
    void localhostIsAlwaysADomain() {
        ImageReference ref = ImageReference.parse("localhost/foo");
        assertThat(ref.domain()).isEqualTo("localhost");
        assertThat(ref.path()).isEqualTo("foo");
    }

    @Test
    void bareLocalhostPortIsANameWithATagAsInDocker() {
        ImageReference ref = ImageReference.parse("localhost:5000");
        assertThat(ref).hasToString("docker.io/library/localhost:5000");
        assertThat(ref.tag()).contains("5000");
    }

    @Test
    void ipv6RegistryInBrackets() {
        ImageReference ref = ImageReference.parse("[::1]:5000/foo:1");
        assertThat(ref.domain()).isEqualTo("[::1]:5000");
        assertThat(ref.path()).isEqualTo("foo");
        assertThat(ref.familiarString()).isEqualTo("[::1]:5000/foo:1");
    }

    @Test
    void digestReference() {
        ImageReference ref = ImageReference.parse("redis@" + REDIS_DIGEST);

        assertThat(ref.digest()).contains(Digest.parse(REDIS_DIGEST));
        assertThat(ref.tag()).isEmpty();
        assertThat(ref.withDefaultTag()).isEqualTo(ref);
        assertThat(ref).hasToString("docker.io/library/redis@" + REDIS_DIGEST);
        assertThat(ref.familiarString()).isEqualTo("redis@" + REDIS_DIGEST);
    }

    /** TestParseReferenceWithTagAndDigest. */
    @Test
    void tagAndDigestTogether() {
        String shortRef = "busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";
        ImageReference ref = ImageReference.parse(shortRef);

        assertThat(ref).hasToString("docker.io/library/" + shortRef);
        assertThat(ref.tag()).contains("latest");
        assertThat(ref.digest()).isPresent();
        assertThat(ref.familiarString()).isEqualTo(shortRef);
    }

    @Test
    void upperCaseRepositoryIsRefusedWithDockersMessage() {
        assertInvalid("Busybox", "invalid reference format: repository name (library/Busybox) must be lowercase");
        assertInvalid(
                "Busybox:latest", "invalid reference format: repository name (library/Busybox) must be lowercase");
        assertInvalid("localhost:5000/Foo", "invalid reference format: repository name (Foo) must be lowercase");
        assertInvalid(
                "docker.io/docker/Docker",
                "invalid reference format: repository name (docker/Docker) must be lowercase");
    }

    @Test
    void upperCaseTagIsFine() {
        assertThat(ImageReference.parse("busybox:V1").tag()).contains("V1");
    }

    @Test
    void sixtyFourHexIsAnIdNotAName() {
        assertInvalid(HEX64, "invalid repository name (" + HEX64 + "), cannot specify 64-byte hexadecimal strings");
        assertThat(ImageReference.isIdLike(HEX64)).isTrue();
        assertThat(ImageReference.isIdLike(HEX64.substring(1))).isFalse();
        assertThat(ImageReference.isIdLike(HEX64.toUpperCase())).isFalse();
    }

    @Test
    void parseIdReadsBothIdSpellings() {
        Digest id = new Digest("sha256", HEX64);
        assertThat(ImageReference.parseId(HEX64)).contains(id);
        assertThat(ImageReference.parseId("sha256:" + HEX64)).contains(id);
        assertThat(ImageReference.parseId("busybox")).isEmpty();
        assertThat(ImageReference.parseId(HEX64.substring(0, 12))).isEmpty();
    }

    @Test
    void pathLongerThan255IsRefused() {
        // Checked against docker 28.2.2's CLI: the limit counts the normalized path without the
        // domain, so library/ + 248 characters (256) fails and x.io/ + 255 characters passes.
        assertInvalid("a".repeat(248), "repository name must not be more than 255 characters");
        assertThat(ImageReference.parse("a".repeat(247)).path()).hasSize(255);
        assertThat(ImageReference.parse("x.io/" + "a".repeat(255)).path()).hasSize(255);
        assertInvalid("x.io/" + "a".repeat(256), "repository name must not be more than 255 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", "busybox:", "busybox@", "-busybox", "busybox:-1", "a b", "busy box:1"})
    void malformedReferencesAreInvalidFormat(String input) {
        assertInvalid(input, "invalid reference format");
    }

    @Test
    void tagLongerThan128IsRefused() {
        assertThat(ImageReference.parse("busybox:" + "t".repeat(128)).tag())
                .hasValueSatisfying(t -> assertThat(t).hasSize(128));
        assertInvalid("busybox:" + "t".repeat(129), "invalid reference format");
    }

    /** TestValidateReferenceName. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "docker/docker",
                "library/debian",
                "debian",
                "docker.io/docker/docker",
                "docker.io/library/debian",
                "docker.io/debian",
                "index.docker.io/docker/docker",
                "index.docker.io/library/debian",
                "index.docker.io/debian",
                "127.0.0.1:5000/docker/docker",
                "127.0.0.1:5000/library/debian",
                "127.0.0.1:5000/debian",
                "192.168.0.1",
                "192.168.0.1:80",
                "192.168.0.1:8/debian",
                "192.168.0.2:25000/debian",
                "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
                "[fc00::1]:5000/docker",
                "[fc00::1]:5000/docker/docker",
                "[fc00:1:2:3:4:5:6:7]:5000/library/debian",
                "docker.io/" + HEX64,
                "Docker/docker",
                "DOCKER/docker",
                // TestValidateRemoteName
                "docker-rules/docker",
                "docker---rules/docker",
                "doc/docker",
                "d/docker",
                "jess/t",
                "dock__er/docker"
            })
    void validNames(String input) {
        assertThat(ImageReference.parse(input)).isNotNull();
    }

    /** TestValidateReferenceName and TestValidateRemoteName, invalid halves. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://github.com/docker/docker",
                "docker/Docker",
                "-docker",
                "-docker/docker",
                "-docker.io/docker/docker",
                "docker///docker",
                "docker.io/docker/Docker",
                "docker.io/docker///docker",
                "[fc00::1]",
                "[fc00::1]:5000",
                "fc00::1:5000/debian",
                "[fe80::1%eth0]:5000/debian",
                "[2001:db8:3:4::192.0.2.33]:5000/debian",
                HEX64,
                "docker-/docker",
                "-docker-/docker",
                "____/____",
                "_docker/_docker",
                "dock..er/docker",
                "dock_.er/docker",
                "dock-.er/docker",
                "docker/",
                "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255/docker"
            })
    void invalidNames(String input) {
        assertThatThrownBy(() -> ImageReference.parse(input))
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
    }

    /** TestParseRepositoryInfo: remote name, familiar name, full name, ambiguous spelling, domain. */
    static Stream<Arguments> repositoryInfo() {
        String[][] table = {
            {"fooo/bar", "fooo/bar", "docker.io/fooo/bar", "index.docker.io/fooo/bar", "docker.io"},
            {"library/ubuntu", "ubuntu", "docker.io/library/ubuntu", "library/ubuntu", "docker.io"},
            {"nonlibrary/ubuntu", "nonlibrary/ubuntu", "docker.io/nonlibrary/ubuntu", "", "docker.io"},
            {"other/library", "other/library", "docker.io/other/library", "", "docker.io"},
            {
                "private/moonbase",
                "127.0.0.1:8000/private/moonbase",
                "127.0.0.1:8000/private/moonbase",
                "",
                "127.0.0.1:8000"
            },
            {"privatebase", "127.0.0.1:8000/privatebase", "127.0.0.1:8000/privatebase", "", "127.0.0.1:8000"},
            {"private/moonbase", "example.com/private/moonbase", "example.com/private/moonbase", "", "example.com"},
            {"privatebase", "example.com/privatebase", "example.com/privatebase", "", "example.com"},
            {
                "private/moonbase",
                "example.com:8000/private/moonbase",
                "example.com:8000/private/moonbase",
                "",
                "example.com:8000"
            },
            {"privatebasee", "example.com:8000/privatebasee", "example.com:8000/privatebasee", "", "example.com:8000"},
            {
                "library/ubuntu-12.04-base",
                "ubuntu-12.04-base",
                "docker.io/library/ubuntu-12.04-base",
                "index.docker.io/library/ubuntu-12.04-base",
                "docker.io"
            },
            {"library/foo", "foo", "docker.io/library/foo", "docker.io/foo", "docker.io"},
            {"library/foo/bar", "library/foo/bar", "docker.io/library/foo/bar", "", "docker.io"},
            {"store/foo/bar", "store/foo/bar", "docker.io/store/foo/bar", "", "docker.io"},
            {"bar", "Foo/bar", "Foo/bar", "", "Foo"},
            {"bar", "FOO/bar", "FOO/bar", "", "FOO"},
        };
        List<Arguments> cases = new ArrayList<>();
        for (String[] row : table) {
            for (String input : new String[] {row[1], row[2], row[3]}) {
                if (!input.isEmpty()) {
                    cases.add(arguments(input, row[0], row[1], row[2], row[4]));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("repositoryInfo")
    void repositoryInfo(String input, String remoteName, String familiarName, String fullName, String domain) {
        ImageReference ref = ImageReference.parse(input);

        assertThat(ref.path()).isEqualTo(remoteName);
        assertThat(ref.familiarName()).isEqualTo(familiarName);
        assertThat(ref.toString()).isEqualTo(fullName);
        assertThat(ref.domain()).isEqualTo(domain);
    }

    /** TestNormalizedSplitHostname. */
    @ParameterizedTest
    @CsvSource({
        "test.com/foo, test.com, foo",
        "test_com/foo, docker.io, test_com/foo",
        "docker/migrator, docker.io, docker/migrator",
        "test.com:8080/foo, test.com:8080, foo",
        "test-com:8080/foo, test-com:8080, foo",
        "foo, docker.io, library/foo",
        "xn--n3h.com/foo, xn--n3h.com, foo",
        "xn--n3h.com:18080/foo, xn--n3h.com:18080, foo",
        "docker.io/foo, docker.io, library/foo",
        "docker.io/library/foo, docker.io, library/foo",
        "docker.io/library/foo/bar, docker.io, library/foo/bar"
    })
    void normalizedSplitHostname(String input, String domain, String path) {
        ImageReference ref = ImageReference.parse(input);
        assertThat(ref.domain()).isEqualTo(domain);
        assertThat(ref.path()).isEqualTo(path);
    }

    /** TestParseAnyReference, name cases (the ID cases are parseId's). */
    @ParameterizedTest
    @CsvSource({
        "redis, docker.io/library/redis",
        "redis:latest, docker.io/library/redis:latest",
        "docker.io/library/redis:latest, docker.io/library/redis:latest",
        "redis@" + REDIS_DIGEST + ", docker.io/library/redis@" + REDIS_DIGEST,
        "docker.io/library/redis@" + REDIS_DIGEST + ", docker.io/library/redis@" + REDIS_DIGEST,
        "dmcgowan/myapp, docker.io/dmcgowan/myapp",
        "dmcgowan/myapp:latest, docker.io/dmcgowan/myapp:latest",
        "docker.io/mcgowan/myapp:latest, docker.io/mcgowan/myapp:latest",
        "dmcgowan/myapp@" + REDIS_DIGEST + ", docker.io/dmcgowan/myapp@" + REDIS_DIGEST,
        "docker.io/dmcgowan/myapp@" + REDIS_DIGEST + ", docker.io/dmcgowan/myapp@" + REDIS_DIGEST,
        "dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9, docker.io/library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9",
        "dbcc1, docker.io/library/dbcc1"
    })
    void parseNormalizes(String input, String canonical) {
        ImageReference ref = ImageReference.parse(input);
        assertThat(ref).hasToString(canonical);
        assertThat(ImageReference.parse(canonical)).isEqualTo(ref);
    }

    /** TestParseDockerRef. */
    @ParameterizedTest
    @CsvSource({
        "busybox, docker.io/library/busybox:latest",
        "busybox:latest, docker.io/library/busybox:latest",
        "busybox@" + BUSYBOX_DIGEST + ", docker.io/library/busybox@" + BUSYBOX_DIGEST,
        "library/busybox, docker.io/library/busybox:latest",
        "docker.io/busybox, docker.io/library/busybox:latest",
        "docker.io/library/busybox, docker.io/library/busybox:latest",
        "docker.io/busybox:latest, docker.io/library/busybox:latest",
        "library/busybox:latest, docker.io/library/busybox:latest",
        "docker.io/library/busybox:latest, docker.io/library/busybox:latest",
        "gcr.io/library/busybox, gcr.io/library/busybox:latest",
        "gcr.io/library/busybox:latest@" + BUSYBOX_DIGEST + ", gcr.io/library/busybox@" + BUSYBOX_DIGEST
    })
    void dockerRef(String input, String expected) {
        ImageReference ref = ImageReference.parse(input).dockerRef();
        assertThat(ref).hasToString(expected);
        assertThat(ReferenceGrammar.parse(ref.toString()).toString()).isEqualTo(expected);
    }

    /** TestWithTag and TestWithDigest, with digests of full length (Berth stores no short ones). */
    @Test
    void withTagAndWithDigestCombine() {
        Digest digest = Digest.parse(REDIS_DIGEST);
        ImageReference foo = ImageReference.parse("test.com:8000/foo");

        assertThat(ImageReference.parse("test.com/foo").withTag("tag")).hasToString("test.com/foo:tag");
        assertThat(ImageReference.parse("foo").withTag("tag2").familiarString()).isEqualTo("foo:tag2");
        assertThat(foo.withTag("TAG5")).hasToString("test.com:8000/foo:TAG5");
        assertThat(foo.withDigest(digest).withTag("TAG5")).hasToString("test.com:8000/foo:TAG5@" + REDIS_DIGEST);
        assertThat(foo.withDigest(digest)).hasToString("test.com:8000/foo@" + REDIS_DIGEST);
        assertThat(foo.withTag("latest").withDigest(digest)).hasToString("test.com:8000/foo:latest@" + REDIS_DIGEST);
        assertThat(foo.withTag("latest").withDigest(digest).nameOnly()).isEqualTo(foo);
    }

    /** TestInvalidReferenceComponents. */
    @Test
    void invalidTagIsRefused() {
        assertThatThrownBy(() -> ImageReference.parse("busybox").withTag("-foo"))
                .isInstanceOf(BerthException.class)
                .hasMessage("invalid tag format");
    }

    private static void assertInvalid(String input, String message) {
        assertThatThrownBy(() -> ImageReference.parse(input)).isInstanceOfSatisfying(BerthException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }
}
