package dev.berth.engine.container;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.core.error.BerthException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Docker API fields that Berth does not act on, refused when they carry a value: a setting that is
 * accepted and then ignored is worse than one refused (400, naming it). A field holds no value when
 * it is absent, null, false, 0, "", [] or {} (-1 where Docker means "unset" by it, and the one
 * value of a mode Berth always has, such as CgroupnsMode private); fields
 * Docker's JSON does not know are ignored, as Go's decoder ignores them.
 */
final class UnappliedFields {
    /** Fields whose "unset" is -1 as the CLI sends it. */
    private static final Map<String, Integer> UNSET = Map.of("MemorySwappiness", -1);
    /** Text fields whose one accepted value is what Berth always does. */
    private static final Map<String, String> DEFAULTS =
            Map.of("CgroupnsMode", "private", "Isolation", "default", "VolumeDriver", "local");

    private UnappliedFields() {}

    /** The JSON names of a record's components: the fields it applies. */
    static Set<String> of(Class<? extends Record> type) {
        Set<String> names = new HashSet<>();
        Arrays.stream(type.getRecordComponents())
                .map(c -> c.getAccessor().getAnnotation(JsonProperty.class))
                .filter(p -> p != null)
                .forEach(p -> names.add(p.value()));
        return names;
    }

    /**
     * Refuses the first field of {@code object} that is one of {@code known} but not of
     * {@code applied} and holds a value; {@code what} names the object in the message.
     */
    static void refuse(JsonNode object, Set<String> known, Set<String> applied, String what) {
        if (object == null || !object.isObject()) {
            return;
        }
        for (var field : object.properties()) {
            String name = field.getKey();
            if (known.contains(name) && !applied.contains(name) && holdsValue(name, field.getValue())) {
                throw BerthException.invalid("%s.%s is not supported by Berth", what, name);
            }
        }
    }

    private static boolean holdsValue(String name, JsonNode v) {
        if (v.isNull() || v.isMissingNode()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isNumber()) {
            return v.asLong() != 0 && v.asLong() != UNSET.getOrDefault(name, 0);
        }
        if (v.isTextual()) {
            return !v.asText().isEmpty() && !v.asText().equals(DEFAULTS.get(name));
        }
        return !v.isEmpty();
    }
}
