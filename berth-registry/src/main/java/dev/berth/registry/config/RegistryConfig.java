package dev.berth.registry.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of {@code berth registry serve}, from a YAML or JSON file ({@code --config}) and/or
 * flags; a flag wins over the file. Every field may be absent; {@link #withDefaults()} fills in.
 *
 * <pre>
 * addr: 127.0.0.1:5000
 * root: /var/lib/berth-registry
 * readOnly: false
 * tls: {cert: server.crt, key: server.key}
 * auth:
 *   type: basic            # none | basic | token
 *   htpasswd: /etc/berth/htpasswd
 *   realm: https://registry.example/token   # token: default is this server's /token
 *   service: berth-registry
 *   tokenTtlSeconds: 300
 * gc: {delaySeconds: 3600, intervalSeconds: 0, uploadTtlSeconds: 604800}
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record RegistryConfig(String addr, String root, Boolean readOnly, Tls tls, Auth auth, Gc gc) {
    public record Tls(String cert, String key) {}

    public record Auth(String type, String htpasswd, String realm, String service, Long tokenTtlSeconds) {}

    /**
     * @param delaySeconds a blob linked or used more recently than this is never collected
     * @param intervalSeconds collect every so often while serving (0: only on demand)
     * @param uploadTtlSeconds upload sessions idle longer than this are ended by a collection
     */
    public record Gc(Long delaySeconds, Long intervalSeconds, Long uploadTtlSeconds) {}

    public static RegistryConfig load(Path file) {
        ObjectMapper yaml =
                new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            return yaml.readValue(file.toFile(), RegistryConfig.class);
        } catch (IOException e) {
            throw BerthException.invalid("cannot read registry config %s: %s", file, e.getMessage());
        }
    }

    public static RegistryConfig empty() {
        return new RegistryConfig(null, null, null, null, null, null);
    }

    private static <T> T or(T a, T b) {
        return a != null ? a : b;
    }

    /** This config with every field that {@code over} sets replaced by it. */
    public RegistryConfig overriddenBy(RegistryConfig over) {
        Tls t = tls == null
                ? over.tls
                : over.tls == null ? tls : new Tls(or(over.tls.cert, tls.cert), or(over.tls.key, tls.key));
        Auth a = auth == null
                ? over.auth
                : over.auth == null
                        ? auth
                        : new Auth(
                                or(over.auth.type, auth.type),
                                or(over.auth.htpasswd, auth.htpasswd),
                                or(over.auth.realm, auth.realm),
                                or(over.auth.service, auth.service),
                                or(over.auth.tokenTtlSeconds, auth.tokenTtlSeconds));
        Gc g = gc == null
                ? over.gc
                : over.gc == null
                        ? gc
                        : new Gc(
                                or(over.gc.delaySeconds, gc.delaySeconds),
                                or(over.gc.intervalSeconds, gc.intervalSeconds),
                                or(over.gc.uploadTtlSeconds, gc.uploadTtlSeconds));
        return new RegistryConfig(or(over.addr, addr), or(over.root, root), or(over.readOnly, readOnly), t, a, g);
    }

    public RegistryConfig withDefaults() {
        Auth a = auth == null ? new Auth(null, null, null, null, null) : auth;
        String type = a.type != null ? a.type : a.htpasswd != null ? "basic" : "none";
        if (!type.equals("none") && !type.equals("basic") && !type.equals("token")) {
            throw BerthException.invalid("unknown auth type %s (none, basic or token)", type);
        }
        if (type.equals("basic") && a.htpasswd == null) {
            throw BerthException.invalid("basic auth needs an htpasswd file (--htpasswd)");
        }
        a = new Auth(type, a.htpasswd, a.realm, or(a.service, "berth-registry"), or(a.tokenTtlSeconds, 300L));
        Gc g = gc == null ? new Gc(null, null, null) : gc;
        g = new Gc(or(g.delaySeconds, 3600L), or(g.intervalSeconds, 0L), or(g.uploadTtlSeconds, 7 * 24 * 3600L));
        if (tls != null && (tls.cert == null) != (tls.key == null)) {
            throw BerthException.invalid("TLS needs both a certificate and a key");
        }
        if (root == null) {
            throw BerthException.invalid("the registry needs a root directory (--root)");
        }
        return new RegistryConfig(
                or(addr, "127.0.0.1:5000"),
                root,
                or(readOnly, false),
                tls == null || tls.cert == null ? null : tls,
                a,
                g);
    }

    public Duration gcDelay() {
        return Duration.ofSeconds(gc.delaySeconds);
    }

    public Duration uploadTtl() {
        return Duration.ofSeconds(gc.uploadTtlSeconds);
    }
}
