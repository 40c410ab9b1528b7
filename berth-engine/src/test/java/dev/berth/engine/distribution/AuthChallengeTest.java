package dev.berth.engine.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {
    @Test
    void parsesDockerHubBearerChallenge() {
        List<AuthChallenge> c = AuthChallenge.parse(
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\"");
        assertThat(c).hasSize(1);
        assertThat(c.getFirst().isBearer()).isTrue();
        assertThat(c.getFirst().parameter("realm")).isEqualTo("https://auth.docker.io/token");
        assertThat(c.getFirst().parameter("service")).isEqualTo("registry.docker.io");
        assertThat(c.getFirst().parameter("scope")).isEqualTo("repository:library/busybox:pull");
    }

    @Test
    void keepsCommasInsideQuotedScope() {
        AuthChallenge c = AuthChallenge.parse(
                        "Bearer realm=\"http://127.0.0.1:1/t\", scope=\"repository:a/b:pull,push\"")
                .getFirst();
        assertThat(c.parameter("scope")).isEqualTo("repository:a/b:pull,push");
        assertThat(c.parameter("realm")).isEqualTo("http://127.0.0.1:1/t");
    }

    @Test
    void parsesBasicWithCaseInsensitiveSchemeAndNames() {
        AuthChallenge c = AuthChallenge.parse("BASIC Realm=\"Registry Realm\"").getFirst();
        assertThat(c.isBasic()).isTrue();
        assertThat(c.parameter("realm")).isEqualTo("Registry Realm");
    }

    @Test
    void splitsSeveralChallengesInOneHeader() {
        List<AuthChallenge> c = AuthChallenge.parse("Basic realm=\"a\", Bearer realm=\"https://x/token\",service=s");
        assertThat(c).extracting(AuthChallenge::scheme).containsExactly("basic", "bearer");
        assertThat(c.get(1).parameter("service")).isEqualTo("s");
        assertThat(c.get(0).parameter("realm")).isEqualTo("a");
    }

    @Test
    void unescapesQuotedPairs() {
        AuthChallenge c = AuthChallenge.parse("Bearer realm=\"a\\\"b\\\\c\"").getFirst();
        assertThat(c.parameter("realm")).isEqualTo("a\"b\\c");
    }

    @Test
    void emptyHeaderHasNoChallenge() {
        assertThat(AuthChallenge.parse("")).isEmpty();
        assertThat(AuthChallenge.parse(null)).isEmpty();
    }

    @Test
    void refusesUnterminatedQuote() {
        assertThatThrownBy(() -> AuthChallenge.parse("Bearer realm=\"https://x"))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("unterminated");
    }

    @Test
    void refusesParameterWithoutScheme() {
        assertThatThrownBy(() -> AuthChallenge.parse("realm=\"x\""))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("before scheme");
    }
}
