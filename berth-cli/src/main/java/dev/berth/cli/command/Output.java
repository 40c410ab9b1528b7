package dev.berth.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.CliJson;
import dev.berth.cli.output.Console;
import dev.berth.cli.output.Fields;
import dev.berth.cli.output.Formatter;
import dev.berth.core.error.BerthException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Helpers the commands share: printing rows, turning JSON into template data, filters. */
final class Output {
    /** Go's Time.String(): "2006-01-02 15:04:05 -0700 MST". */
    private static final DateTimeFormatter GO_TIME_STRING = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xx zzz");

    private Output() {}

    /** Prints rows in {@code format}, or in {@code defaultTable} when the format is empty or "table". */
    static void rows(
            Console console, String format, String defaultTable, Map<String, String> header, List<Fields> rows) {
        String chosen = format == null || format.isBlank() || format.equals(Formatter.TABLE) ? defaultTable : format;
        console.out().print(Formatter.render(chosen, Fields.header(header), rows));
    }

    /** A JSON tree as the plain Java values templates walk. */
    static Object plain(JsonNode node) {
        return CliJson.MAPPER.convertValue(node, Object.class);
    }

    /** docker's filter encoding: {"key":{"value":true}}; each -f is key=value. */
    static String filters(List<String> filters) {
        if (filters == null || filters.isEmpty()) {
            return null;
        }
        Map<String, Map<String, Boolean>> encoded = new LinkedHashMap<>();
        for (String filter : filters) {
            int eq = filter.indexOf('=');
            if (eq <= 0) {
                throw BerthException.invalid("bad format of filter (expected name=value)");
            }
            encoded.computeIfAbsent(
                            filter.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT),
                            k -> new LinkedHashMap<>())
                    .put(filter.substring(eq + 1), true);
        }
        try {
            return CliJson.MAPPER.writeValueAsString(encoded);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw BerthException.internal("cannot encode filters", e);
        }
    }

    static String goTimeString(long epochSeconds) {
        return GO_TIME_STRING.format(Instant.ofEpochSecond(epochSeconds).atZone(ZoneId.systemDefault()));
    }
}
