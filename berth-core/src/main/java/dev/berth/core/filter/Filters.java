package dev.berth.core.filter;

import dev.berth.core.error.BerthException;
import dev.berth.core.text.GoDuration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks and reads Docker's {@code filters} map (name → values) for listing and pruning images, volumes and networks. */
public final class Filters {
    private Filters() {}

    public static void requireOnly(Map<String, List<String>> filters, Set<String> accepted) {
        for (String key : filters.keySet()) {
            if (!accepted.contains(key)) {
                throw BerthException.invalid("invalid filter '%s'", key);
            }
        }
    }

    /** The boolean filter {@code name}, or null when absent; Docker accepts true/false/1/0. */
    public static Boolean bool(Map<String, List<String>> filters, String name) {
        List<String> values = filters.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        Boolean result = null;
        for (String v : values) {
            boolean b = switch (v.toLowerCase(java.util.Locale.ROOT)) {
                case "true", "1" -> true;
                case "false", "0" -> false;
                default -> throw BerthException.invalid("invalid filter '%s=%s'", name, v);
            };
            if (result != null && result != b) {
                throw BerthException.invalid("invalid filter '%s': conflicting values", name);
            }
            result = b;
        }
        return result;
    }

    /** Docker's MatchKVList: every {@code key} or {@code key=value} must be among the labels. */
    public static boolean labelsMatch(List<String> wanted, Map<String, String> labels) {
        if (wanted == null || wanted.isEmpty()) {
            return true;
        }
        for (String w : wanted) {
            int eq = w.indexOf('=');
            String key = eq < 0 ? w : w.substring(0, eq);
            if (labels == null || !labels.containsKey(key)) {
                return false;
            }
            if (eq >= 0 && !labels.get(key).equals(w.substring(eq + 1))) {
                return false;
            }
        }
        return true;
    }

    /** {@code label!=key} / {@code label!=key=value}: none of them among the labels. */
    public static boolean labelsMatchNone(List<String> wanted, Map<String, String> labels) {
        return wanted == null || wanted.stream().noneMatch(w -> labelsMatch(List.of(w), labels));
    }

    /** Docker's {@code until}/{@code since} timestamps: RFC 3339, Unix seconds (with fraction), or a Go duration ago. */
    public static Instant timestamp(String value, Instant now) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException ignored) {
            // other forms below
        }
        try {
            java.math.BigDecimal seconds = new java.math.BigDecimal(value);
            return Instant.ofEpochSecond(
                    seconds.longValue(),
                    seconds.remainder(java.math.BigDecimal.ONE)
                            .movePointRight(9)
                            .longValue());
        } catch (NumberFormatException ignored) {
            // duration below
        }
        java.time.Duration ago = GoDuration.parse(value);
        if (ago == null) {
            throw BerthException.invalid("failed to parse value %s as a time or duration", value);
        }
        return now.minus(ago);
    }
}
