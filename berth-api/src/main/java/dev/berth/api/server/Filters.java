package dev.berth.api.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.berth.core.error.BerthException;
import dev.berth.http.server.Request;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Docker's {@code filters} query parameter: a JSON object from filter name to values. Both forms
 * Docker accepts are read: the current {@code {"dangling":{"true":true}}} and the legacy
 * {@code {"dangling":["true"]}}. The match helpers behave like moby's {@code filters.Args}: a
 * filter with no values matches everything.
 */
public record Filters(Map<String, List<String>> values) {
    public static final Filters NONE = new Filters(Map.of());

    public Filters {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        values = java.util.Collections.unmodifiableMap(copy);
    }

    /** The request's {@code filters} query parameter, parsed. */
    public static Filters of(Request request) {
        return parse(request.query("filters"));
    }

    /** Parses the query parameter's value; {@code null} or blank means no filters. */
    public static Filters parse(String json) {
        if (json == null || json.isBlank()) {
            return NONE;
        }
        try {
            Map<String, Map<String, Boolean>> current = Json.MAPPER.readValue(json, new TypeReference<>() {});
            Map<String, List<String>> values = new LinkedHashMap<>();
            current.forEach((k, v) -> {
                List<String> list = new ArrayList<>();
                v.forEach((value, on) -> {
                    if (Boolean.TRUE.equals(on)) {
                        list.add(value);
                    }
                });
                values.put(k, list);
            });
            return new Filters(values);
        } catch (JsonProcessingException e) {
            // not the current form; try the legacy one below
        }
        try {
            return new Filters(Json.MAPPER.readValue(json, new TypeReference<Map<String, List<String>>>() {}));
        } catch (JsonProcessingException e) {
            throw BerthException.invalid("invalid filter: %s", Json.firstLine(e));
        }
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public boolean contains(String key) {
        return values.containsKey(key);
    }

    /** The values of {@code key}, empty when the filter is absent. */
    public List<String> get(String key) {
        return values.getOrDefault(key, List.of());
    }

    /** Rejects filter names outside {@code allowed} with Docker's message: {@code invalid filter 'foo'}. */
    public Filters validate(Collection<String> allowed) {
        Set<String> set = Set.copyOf(allowed);
        for (String key : values.keySet()) {
            if (!set.contains(key)) {
                throw BerthException.invalid("invalid filter '%s'", key);
            }
        }
        return this;
    }

    /** True when {@code key} is absent or one of its values equals {@code candidate}. */
    public boolean exactMatch(String key, String candidate) {
        List<String> v = values.get(key);
        return v == null || v.isEmpty() || v.contains(candidate);
    }

    /** True when {@code key} is absent or one of its values equals or is a prefix of {@code candidate}. */
    public boolean fuzzyMatch(String key, String candidate) {
        List<String> v = values.get(key);
        if (v == null || v.isEmpty()) {
            return true;
        }
        if (candidate == null) {
            return false;
        }
        for (String value : v) {
            if (candidate.startsWith(value)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Label-style matching ({@code label=k} or {@code label=k=v}): true when {@code key} is absent
     * or every value is satisfied by {@code attributes}.
     */
    public boolean matchKeyValues(String key, Map<String, String> attributes) {
        List<String> v = values.get(key);
        if (v == null || v.isEmpty()) {
            return true;
        }
        if (attributes == null) {
            return false;
        }
        for (String condition : v) {
            int eq = condition.indexOf('=');
            if (eq < 0) {
                if (!attributes.containsKey(condition)) {
                    return false;
                }
            } else if (!condition.substring(eq + 1).equals(attributes.get(condition.substring(0, eq)))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Docker's boolean filter values ({@code dangling=true}): the single value of {@code key} as a
     * boolean, or {@code null} when absent; anything but true/false/1/0 is rejected.
     */
    public Boolean bool(String key) {
        List<String> v = values.get(key);
        if (v == null || v.isEmpty()) {
            return null;
        }
        boolean result = false;
        for (String value : v) {
            switch (value.toLowerCase(java.util.Locale.ROOT)) {
                case "true", "1" -> result = true;
                case "false", "0" -> {}
                default -> throw BerthException.invalid("invalid filter '%s=%s'", key, value);
            }
        }
        return result;
    }
}
