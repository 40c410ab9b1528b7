package dev.berth.engine.distribution;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens by realm, service, scope and credentials, until shortly before they expire, so
 * that the parallel requests of one pull (and the next pull) do not each fetch a token.
 */
final class TokenCache {
    private record Entry(String token, Instant expires) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    String get(String key, Instant now) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (!now.isBefore(e.expires())) {
            entries.remove(key, e);
            return null;
        }
        return e.token();
    }

    void put(String key, String token, Instant expires) {
        entries.put(key, new Entry(token, expires));
    }

    void remove(String key) {
        entries.remove(key);
    }
}
