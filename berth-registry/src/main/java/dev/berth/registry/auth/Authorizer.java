package dev.berth.registry.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Decides whether a request may do what it asks. {@code needed} is null for the base check
 * ({@code /v2/}), which only asks "who are you".
 */
public interface Authorizer {
    /** The outcome: allowed, or the 401 challenge (WWW-Authenticate) and message to send. */
    record Decision(boolean allowed, String challenge, String message) {
        public static final Decision ALLOW = new Decision(true, null, null);

        public static Decision deny(String challenge, String message) {
            return new Decision(false, challenge, message);
        }
    }

    /**
     * @param authorization the Authorization header, or null
     * @param host the Host header (to build a token realm when none is configured), or null
     * @param tls whether the request came over TLS
     */
    Decision authorize(String authorization, Scope needed, String host, boolean tls);

    /** No authentication: every request is allowed. */
    Authorizer NONE = (authorization, needed, host, tls) -> Decision.ALLOW;

    /** HTTP Basic against an htpasswd file; every known user may do everything. */
    static Authorizer basic(Htpasswd htpasswd, String realm) {
        String challenge = "Basic realm=\"" + realm + "\"";
        return (authorization, needed, host, tls) -> {
            String[] cred = basicCredentials(authorization);
            if (cred == null) {
                return Decision.deny(challenge, "authentication required");
            }
            if (!htpasswd.verify(cred[0], cred[1])) {
                return Decision.deny(challenge, "invalid username or password");
            }
            return Decision.ALLOW;
        };
    }

    /** {@code [user, password]} from a Basic Authorization header, or null. */
    static String[] basicCredentials(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }
}
