package dev.berth.cli.output;

import java.util.Map;
import java.util.TreeMap;

/**
 * The named values a formatter exposes to templates for one row (an image, a history entry, an
 * event), the way the docker CLI's formatter contexts expose methods: {@code {{.Repository}}}
 * reads one, {@code {{json .}}} prints them all with sorted keys. A field that is not there is a
 * template error, like a missing method on a Go struct; a header context instead answers "".
 */
public record Fields(Map<String, Object> values, boolean strict) {
    public Fields {
        values = new TreeMap<>(values);
    }

    public static Fields of(Map<String, ?> values) {
        return new Fields(new TreeMap<>(values), true);
    }

    /** Column titles; unknown names print as "" like a Go map[string]string. */
    public static Fields header(Map<String, String> titles) {
        return new Fields(new TreeMap<>(titles), false);
    }
}
