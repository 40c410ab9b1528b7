package dev.berth.engine.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RegistryErrorsTest {
    private static BerthException from(int status, String body) {
        return RegistryErrors.from(status, body == null ? null : body.getBytes(StandardCharsets.UTF_8), "ctx");
    }

    @Test
    void errorCodesDecideTheKind() {
        assertThat(from(404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}"))
                .hasMessage("ctx: manifest unknown: manifest unknown")
                .extracting(BerthException::kind)
                .isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(from(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}")
                        .kind())
                .isEqualTo(ErrorKind.UNAUTHORIZED);
        assertThat(from(
                                403,
                                "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to the resource is denied\"}]}")
                        .kind())
                .isEqualTo(ErrorKind.FORBIDDEN);
        assertThat(from(400, "{\"errors\":[{\"code\":\"DIGEST_INVALID\",\"message\":\"x\"}]}")
                        .kind())
                .isEqualTo(ErrorKind.INVALID_ARGUMENT);
        assertThat(from(429, "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}")
                        .kind())
                .isEqualTo(ErrorKind.UNAVAILABLE);
    }

    @Test
    void statusDecidesWhenTheBodyIsNotTheSpecsJson() {
        assertThat(from(502, "<html>bad gateway</html>"))
                .hasMessage("ctx: unexpected status 502")
                .extracting(BerthException::kind)
                .isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(from(404, null).kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(from(500, "").kind()).isEqualTo(ErrorKind.INTERNAL);
    }

    @Test
    void theAnswersCodesTravelWithTheFailure() {
        BerthException unknownName =
                from(404, "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known\"}]}");
        assertThat(RegistryErrors.hasCode(unknownName, "NAME_UNKNOWN")).isTrue();
        assertThat(RegistryErrors.hasCode(unknownName, "MANIFEST_UNKNOWN")).isFalse();
        BerthException wrapped = new BerthException(ErrorKind.NOT_FOUND, "pull failed", unknownName);
        assertThat(RegistryErrors.hasCode(wrapped, "NAME_UNKNOWN")).isTrue();
        // A message that merely reads like the code is not the code.
        assertThat(RegistryErrors.hasCode(
                        from(404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":" + "\"name unknown\"}]}"),
                        "NAME_UNKNOWN"))
                .isFalse();
    }
}
