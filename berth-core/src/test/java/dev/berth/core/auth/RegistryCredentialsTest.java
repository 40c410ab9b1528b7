package dev.berth.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RegistryCredentialsTest {
    private static String url(String json) {
        return Base64.getUrlEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decodesDockerCliHeader() {
        // What docker 28 sends for `docker push` after `docker login -u alice`.
        RegistryCredentials c = RegistryCredentials.fromHeader(
                url("{\"username\":\"alice\",\"password\":\"s3cr?t>>\",\"serveraddress\":\"127.0.0.1:5000\"}"));
        assertThat(c.username()).isEqualTo("alice");
        assertThat(c.password()).isEqualTo("s3cr?t>>");
        assertThat(c.serverAddress()).isEqualTo("127.0.0.1:5000");
        assertThat(c.isAnonymous()).isFalse();
    }

    @Test
    void acceptsStandardBase64AndMissingPadding() {
        String json = "{\"username\":\"bob\",\"password\":\"p?>~\"}";
        String standard = Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        String unpadded = Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        assertThat(RegistryCredentials.fromHeader(standard).password()).isEqualTo("p?>~");
        assertThat(RegistryCredentials.fromHeader(unpadded).password()).isEqualTo("p?>~");
    }

    @Test
    void fillsUserAndPasswordFromAuthField() {
        String auth = Base64.getEncoder().encodeToString("carol:pa:ss".getBytes(StandardCharsets.UTF_8));
        RegistryCredentials c = RegistryCredentials.fromHeader(url("{\"auth\":\"" + auth + "\"}"));
        assertThat(c.username()).isEqualTo("carol");
        assertThat(c.password()).isEqualTo("pa:ss");
    }

    @Test
    void emptyHeaderAndEmptyObjectAreAnonymous() {
        assertThat(RegistryCredentials.fromHeader(null).isAnonymous()).isTrue();
        assertThat(RegistryCredentials.fromHeader("").isAnonymous()).isTrue();
        assertThat(RegistryCredentials.fromHeader(url("{}")).isAnonymous()).isTrue();
    }

    @Test
    void refusesGarbage() {
        assertThatThrownBy(() -> RegistryCredentials.fromHeader("!!!not base64"))
                .isInstanceOf(BerthException.class)
                .satisfies(e -> assertThat(((BerthException) e).kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
        assertThatThrownBy(() -> RegistryCredentials.fromHeader(url("[1,2")))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("invalid registry auth");
    }

    @Test
    void roundTripsThroughHeader() {
        RegistryCredentials c = RegistryCredentials.of("dave", "x/y+z");
        assertThat(RegistryCredentials.fromHeader(c.toHeader())).isEqualTo(c);
    }

    @Test
    void neverPrintsThePassword() {
        assertThat(RegistryCredentials.of("erin", "hunter2").toString())
                .doesNotContain("hunter2")
                .contains("erin");
    }
}
