package dev.berth.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.error.BerthException;
import dev.berth.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Docker token authentication ("Token Authentication Specification" of Docker's distribution):
 * the registry answers 401 with {@code Bearer realm,service,scope}; the client fetches a token
 * from the realm (the built-in issuer, {@link #tokenResponse}) and retries with it.
 *
 * <p>Tokens are JWTs signed with HMAC-SHA256 by a secret only this server holds, carrying the
 * granted {@code access} list. A JWT is three base64url parts and one MAC, simple enough that a
 * JOSE library would add more surface than it saves; the issuer and the verifier are the same
 * process, so no key distribution is needed.
 */
public final class TokenService implements Authorizer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final byte[] secret;
    private final String service;
    private final String realm;
    private final Duration ttl;
    private final Htpasswd users;
    private final boolean readOnly;
    private final Clock clock;

    /**
     * @param realm the token endpoint URL to announce, or null to derive it from each request's Host
     * @param users who may get tokens; null lets anyone get one (anonymous)
     * @param secret HMAC key; null for a random one (tokens then die with the process)
     */
    public TokenService(
            String service, String realm, Duration ttl, Htpasswd users, boolean readOnly, byte[] secret, Clock clock) {
        this.service = service;
        this.realm = realm;
        this.ttl = ttl;
        this.users = users;
        this.readOnly = readOnly;
        this.clock = clock;
        if (secret == null) {
            secret = new byte[32];
            new SecureRandom().nextBytes(secret);
        }
        this.secret = secret.clone();
    }

    /** Bytes of a token signing key. */
    private static final int KEY_BYTES = 32;

    /**
     * The signing key kept at {@code file} (made on first use: random, mode 0600, written
     * durably and whole), so that tokens a client holds stay valid across a
     * restart of the registry, as they do with distribution's key-pair-backed issuer.
     */
    public static byte[] loadOrCreateKey(Path file) {
        try {
            if (Files.exists(file)) {
                byte[] key = Files.readAllBytes(file);
                if (key.length < KEY_BYTES) {
                    throw BerthException.dataLoss(
                            "token key %s has %d bytes, expected %d; remove it to make a new one"
                                    + " (tokens issued before become invalid)",
                            file, key.length, KEY_BYTES);
                }
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                if (!perms.equals(PosixFilePermissions.fromString("rw-------"))) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                }
                return key;
            }
            byte[] key = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(key);
            AtomicFiles.write(file, key, AtomicFiles.Access.OWNER_ONLY);
            return key;
        } catch (IOException e) {
            throw BerthException.internal("cannot read or create the token key " + file + ": " + e.getMessage(), e);
        }
    }

    public String service() {
        return service;
    }

    /** The token endpoint answer: status, and either the token JSON or the Basic challenge. */
    public record TokenResponse(int status, Map<String, Object> body, String challenge) {}

    /** Handles {@code GET /token?service=&scope=…} with optional Basic credentials. */
    public TokenResponse tokenResponse(String authorization, String requestedService, List<String> scopeParams) {
        String subject = "";
        if (users != null) {
            String[] cred = Authorizer.basicCredentials(authorization);
            if (cred == null || !users.verify(cred[0], cred[1])) {
                return new TokenResponse(401, null, "Basic realm=\"" + service + "\"");
            }
            subject = cred[0];
        } else {
            String[] cred = Authorizer.basicCredentials(authorization);
            subject = cred == null ? "" : cred[0];
        }
        if (requestedService != null && !requestedService.equals(service)) {
            return new TokenResponse(
                    400,
                    Map.of(
                            "errors",
                            List.of(Map.of("code", "DENIED", "message", "unknown service " + requestedService))),
                    null);
        }
        List<Scope> granted = new ArrayList<>();
        List<Scope> requested;
        try {
            requested = Scope.parseAll(scopeParams);
        } catch (BerthException e) {
            return new TokenResponse(
                    400, Map.of("errors", List.of(Map.of("code", "DENIED", "message", e.getMessage()))), null);
        }
        for (Scope s : requested) {
            LinkedHashSet<String> actions = new LinkedHashSet<>(s.actions());
            if (readOnly) {
                actions.retainAll(List.of(Scope.PULL));
            }
            granted.add(new Scope(s.type(), s.name(), actions));
        }
        String token = issue(subject, granted);
        Instant now = clock.instant();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token);
        body.put("access_token", token);
        body.put("expires_in", ttl.toSeconds());
        body.put("issued_at", now.toString());
        return new TokenResponse(200, body, null);
    }

    public String issue(String subject, List<Scope> access) {
        Instant now = clock.instant();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", service);
        claims.put("sub", subject);
        claims.put("aud", service);
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond() - 1);
        claims.put("exp", now.plus(ttl).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        List<Map<String, Object>> acc = new ArrayList<>();
        for (Scope s : access) {
            acc.add(Map.of("type", s.type(), "name", s.name(), "actions", List.copyOf(s.actions())));
        }
        claims.put("access", acc);
        try {
            String header = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
            String payload = B64.encodeToString(JSON.writeValueAsBytes(claims));
            String signingInput = header + "." + payload;
            return signingInput + "." + B64.encodeToString(mac(signingInput));
        } catch (IOException e) {
            throw BerthException.internal("cannot encode token", e);
        }
    }

    /** The access a valid, unexpired token of this service grants; empty when it is not one. */
    public Optional<List<Scope>> verify(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            byte[] sig = B64D.decode(parts[2]);
            if (!MessageDigest.isEqual(sig, mac(parts[0] + "." + parts[1]))) {
                return Optional.empty();
            }
            JsonNode claims = JSON.readTree(B64D.decode(parts[1]));
            long now = clock.instant().getEpochSecond();
            if (claims.path("exp").asLong(0) < now
                    || claims.path("nbf").asLong(0) > now
                    || !service.equals(claims.path("aud").asText())) {
                return Optional.empty();
            }
            List<Scope> access = new ArrayList<>();
            for (JsonNode a : claims.path("access")) {
                LinkedHashSet<String> actions = new LinkedHashSet<>();
                a.path("actions").forEach(x -> actions.add(x.asText()));
                access.add(new Scope(a.path("type").asText(), a.path("name").asText(), actions));
            }
            return Optional.of(access);
        } catch (IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw BerthException.internal("HmacSHA256 unavailable", e);
        }
    }

    @Override
    public Decision authorize(String authorization, Scope needed, String host, boolean tls) {
        String realmUrl =
                realm != null ? realm : (tls ? "https://" : "http://") + (host == null ? "localhost" : host) + "/token";
        StringBuilder challenge = new StringBuilder("Bearer realm=\"")
                .append(realmUrl)
                .append("\",service=\"")
                .append(service)
                .append('"');
        if (needed != null) {
            challenge.append(",scope=\"").append(needed).append('"');
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Decision.deny(challenge.toString(), "authentication required");
        }
        Optional<List<Scope>> access = verify(authorization.substring(7).trim());
        if (access.isEmpty()) {
            return Decision.deny(challenge.append(",error=\"invalid_token\"").toString(), "invalid or expired token");
        }
        if (needed == null || access.get().stream().anyMatch(g -> g.covers(needed))) {
            return Decision.ALLOW;
        }
        return Decision.deny(
                challenge.append(",error=\"insufficient_scope\"").toString(), "token does not grant " + needed);
    }
}
