package dev.berth.registry.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Apache htpasswd file with bcrypt entries ({@code htpasswd -B}: {@code user:$2y$…}), the only
 * format Docker's registry accepts too. A bcrypt check costs tens of milliseconds by design, and
 * clients send Basic credentials on every request, so successful checks are remembered (keyed by
 * a hash of user, password and entry, so a changed file or password is checked again).
 */
public final class Htpasswd {
    private static final Logger log = LoggerFactory.getLogger(Htpasswd.class);
    private static final int CACHE_LIMIT = 1024;

    private final Map<String, String> entries;
    private final Map<String, Boolean> verified = new ConcurrentHashMap<>();

    public Htpasswd(Map<String, String> entries) {
        this.entries = Map.copyOf(entries);
    }

    public static Htpasswd load(Path file) {
        Map<String, String> entries = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                int colon = l.indexOf(':');
                if (colon <= 0) {
                    throw BerthException.invalid("malformed line in htpasswd file %s: %s", file, l);
                }
                String hash = l.substring(colon + 1);
                if (!hash.startsWith("$2y$") && !hash.startsWith("$2a$") && !hash.startsWith("$2b$")) {
                    log.warn(
                            "htpasswd {}: entry for {} is not bcrypt (make it with htpasswd -B); it will never match",
                            file,
                            l.substring(0, colon));
                }
                entries.put(l.substring(0, colon), hash);
            }
        } catch (IOException e) {
            throw BerthException.invalid("cannot read htpasswd file %s: %s", file, e.getMessage());
        }
        return new Htpasswd(entries);
    }

    public boolean verify(String user, String password) {
        String hash = entries.get(user);
        if (hash == null || !(hash.startsWith("$2y$") || hash.startsWith("$2a$") || hash.startsWith("$2b$"))) {
            return false;
        }
        String key = Digest.sha256((user + '\0' + password + '\0' + hash).getBytes(StandardCharsets.UTF_8))
                .hex();
        if (verified.containsKey(key)) {
            return true;
        }
        boolean ok = BCrypt.verifyer()
                .verify(password.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8))
                .verified;
        if (ok) {
            if (verified.size() >= CACHE_LIMIT) {
                verified.clear();
            }
            verified.put(key, Boolean.TRUE);
        }
        return ok;
    }
}
