package dev.berth.api.system;

import dev.berth.api.server.Filters;
import dev.berth.engine.event.Event;
import java.util.List;
import java.util.Map;

/**
 * Which events a {@code /events} client asked for, with moby's semantics ({@code daemon/events/filter.go}):
 * every given filter must match; {@code container}, {@code network}, {@code volume}, {@code plugin}
 * and {@code daemon} match the actor's ID or name by prefix (so filtering by container leaves out
 * image events); {@code image} matches an image event's ID or name and a container event's image,
 * with or without tag; {@code label} matches actor attributes; {@code event} (alias {@code action})
 * matches the action exactly, or by prefix for health_status, exec_create and exec_start, whose
 * actions carry a suffix.
 */
record EventFilter(Filters filters) {
    private static final List<String> PREFIXED_ACTIONS = List.of("health_status", "exec_create", "exec_start");

    boolean matches(Event e) {
        Map<String, String> attrs = e.attributes();
        return matchAction(e.action())
                && filters.exactMatch("type", e.type())
                && (!filters.contains("scope") || filters.exactMatch("scope", "local"))
                && byIdOrName("container", e)
                && byIdOrName("network", e)
                && byIdOrName("volume", e)
                && byIdOrName("plugin", e)
                && byIdOrName("daemon", e)
                && matchImage(e)
                && filters.matchKeyValues("label", attrs);
    }

    private boolean matchAction(String action) {
        for (String key : List.of("event", "action")) {
            List<String> wanted = filters.get(key);
            if (wanted.isEmpty()) {
                continue;
            }
            boolean fuzzy = wanted.stream().anyMatch(PREFIXED_ACTIONS::contains);
            if (!(fuzzy ? filters.fuzzyMatch(key, action) : filters.exactMatch(key, action))) {
                return false;
            }
        }
        return true;
    }

    private boolean byIdOrName(String key, Event e) {
        return filters.fuzzyMatch(key, e.actorId())
                || filters.fuzzyMatch(key, e.attributes().get("name"));
    }

    private boolean matchImage(Event e) {
        if (filters.get("image").isEmpty()) {
            return true;
        }
        String name = e.attributes().get("image".equals(e.type()) ? "name" : "image");
        return filters.get("image").contains(e.actorId())
                || (name != null && filters.get("image").contains(name))
                || filters.get("image").contains(familiarNameWithoutTag(e.actorId()))
                || (name != null && filters.get("image").contains(familiarNameWithoutTag(name)));
    }

    /** {@code docker.io/library/busybox:latest} → {@code busybox}, as moby's stripTag. */
    static String familiarNameWithoutTag(String image) {
        String s = image;
        int at = s.indexOf('@');
        if (at >= 0) {
            s = s.substring(0, at);
        }
        int slash = s.lastIndexOf('/');
        int colon = s.lastIndexOf(':');
        if (colon > slash && !s.startsWith("sha256:")) {
            s = s.substring(0, colon);
        }
        if (s.startsWith("docker.io/library/")) {
            s = s.substring("docker.io/library/".length());
        } else if (s.startsWith("docker.io/")) {
            s = s.substring("docker.io/".length());
        }
        return s;
    }
}
