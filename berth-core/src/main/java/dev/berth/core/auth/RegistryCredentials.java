package dev.berth.core.auth;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What a client says about who it is to a registry: Docker's {@code AuthConfig} (api/types/registry),
 * carried base64url-encoded as JSON in the {@code X-Registry-Auth} header of pull and push, and as
 * the plain JSON body of {@code POST /auth}. Any field may be absent; {@link #ANONYMOUS} has none.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RegistryCredentials(
        @JsonProperty("username") String username,
        @JsonProperty("password") String password,
        @JsonProperty("auth") String auth,
        @JsonProperty("serveraddress") String serverAddress,
        @JsonProperty("identitytoken") String identityToken,
        @JsonProperty("registrytoken") String registryToken) {

    public static final RegistryCredentials ANONYMOUS = new RegistryCredentials(null, null, null, null, null, null);

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    public RegistryCredentials {
        // "auth" is base64(user:password), as in config.json; it fills in what the fields lack.
        if ((username == null || username.isEmpty()) && auth != null && !auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw BerthException.invalid("invalid registry auth: \"auth\" is not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw BerthException.invalid("invalid registry auth: \"auth\" is not user:password");
            }
            username = decoded.substring(0, colon);
            password = decoded.substring(colon + 1);
        }
    }

    public static RegistryCredentials of(String username, String password) {
        return new RegistryCredentials(username, password, null, null, null, null);
    }

    /**
     * Decodes an {@code X-Registry-Auth} header. Docker sends base64url (RFC 4648 section 5) and
     * older clients standard base64, with or without padding; both are read, as moby's
     * {@code registry.DecodeAuthConfig} does. An absent or empty header, or {@code {}}, is anonymous.
     */
    public static RegistryCredentials fromHeader(String header) {
        if (header == null || header.isBlank()) {
            return ANONYMOUS;
        }
        String text = header.strip().replace('+', '-').replace('/', '_');
        while (text.endsWith("=")) {
            text = text.substring(0, text.length() - 1);
        }
        byte[] json;
        try {
            json = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw BerthException.invalid("invalid X-Registry-Auth header: not base64");
        }
        return fromJson(json);
    }

    /** The JSON form, as {@code POST /auth} sends it. */
    public static RegistryCredentials fromJson(byte[] json) {
        if (json.length == 0) {
            return ANONYMOUS;
        }
        try {
            RegistryCredentials c = JSON.readValue(json, RegistryCredentials.class);
            return c == null ? ANONYMOUS : c;
        } catch (IOException e) {
            throw BerthException.invalid("invalid registry auth JSON: %s", e.getMessage());
        }
    }

    /** The header value for these credentials (base64url of the JSON), as the docker CLI sends it. */
    public String toHeader() {
        try {
            return Base64.getUrlEncoder().encodeToString(JSON.writeValueAsBytes(this));
        } catch (IOException e) {
            throw BerthException.internal("cannot encode registry auth", e);
        }
    }

    public boolean hasPassword() {
        return username != null && !username.isEmpty() && password != null;
    }

    public boolean isAnonymous() {
        return !hasPassword() && isBlank(identityToken) && isBlank(registryToken);
    }

    /** A key that tells credentials apart in caches, without holding the secret itself in it. */
    public String cacheKey() {
        if (isAnonymous()) {
            return "anonymous";
        }
        String secret = (password == null ? "" : password) + "\0" + (identityToken == null ? "" : identityToken) + "\0"
                + (registryToken == null ? "" : registryToken);
        return (username == null ? "" : username) + "#" + Integer.toHexString(secret.hashCode());
    }

    private static boolean isBlank(String s) {
        return s == null || s.isEmpty();
    }

    @Override
    public String toString() {
        // Never print secrets into logs or error messages.
        return "RegistryCredentials[" + (isAnonymous() ? "anonymous" : "user=" + username) + "]";
    }
}
