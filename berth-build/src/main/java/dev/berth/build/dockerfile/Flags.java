package dev.berth.build.dockerfile;

import dev.berth.core.error.BerthException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An instruction's {@code --name=value} flags, as BuildKit's {@code BFlags}: each instruction
 * declares what it takes (string, boolean, repeatable string) and the words are checked against
 * that, with dockerd's messages.
 */
final class Flags {
    private enum Type {
        STRING,
        BOOL,
        STRINGS
    }

    private final List<String> words;
    private final Map<String, Type> declared = new LinkedHashMap<>();
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    Flags(List<String> words) {
        this.words = words;
    }

    Flags string(String name) {
        declared.put(name, Type.STRING);
        return this;
    }

    Flags bool(String name) {
        declared.put(name, Type.BOOL);
        return this;
    }

    Flags strings(String name) {
        declared.put(name, Type.STRINGS);
        return this;
    }

    /** Checks every word against the declared flags; call once, after declaring. */
    Flags parse() {
        Set<String> used = new HashSet<>();
        for (String word : words) {
            if (!word.startsWith("--")) {
                throw BerthException.invalid("arg should start with -- : %s", word);
            }
            String body = word.substring(2);
            int eq = body.indexOf('=');
            String name = eq < 0 ? body : body.substring(0, eq);
            String value = eq < 0 ? null : body.substring(eq + 1);
            Type type = declared.get(name);
            if (type == null) {
                throw BerthException.invalid("Unknown flag: %s", name);
            }
            if (!used.add(name) && type != Type.STRINGS) {
                throw BerthException.invalid("Duplicate flag specified: %s", name);
            }
            switch (type) {
                case BOOL -> {
                    if (value != null && value.isEmpty()) {
                        throw BerthException.invalid("Missing a value on flag: %s", name);
                    }
                    String v = value == null ? "true" : value.toLowerCase(Locale.ROOT);
                    if (!v.equals("true") && !v.equals("false")) {
                        throw BerthException.invalid("Expecting boolean value for flag %s, not: %s", name, value);
                    }
                    values.put(name, List.of(v));
                }
                case STRING -> {
                    if (value == null) {
                        throw BerthException.invalid("Missing a value on flag: %s", name);
                    }
                    values.put(name, List.of(value));
                }
                case STRINGS -> {
                    if (value == null) {
                        throw BerthException.invalid("Missing a value on flag: %s", name);
                    }
                    values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                }
            }
        }
        return this;
    }

    /** The flag's value, or null when it was not given. */
    String get(String name) {
        List<String> v = values.get(name);
        return v == null ? null : v.getFirst();
    }

    boolean isTrue(String name) {
        return "true".equals(get(name));
    }

    /** The boolean flag's value, or null when it was not given. */
    Boolean optionalBool(String name) {
        String v = get(name);
        return v == null ? null : v.equals("true");
    }

    List<String> all(String name) {
        return List.copyOf(values.getOrDefault(name, List.of()));
    }
}
