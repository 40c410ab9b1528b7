package dev.berth.cli.command;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.client.ApiResponse;
import dev.berth.cli.client.CliJson;
import dev.berth.cli.output.GoTemplate;
import dev.berth.core.error.BerthException;
import dev.berth.core.text.GoDuration;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth events} / {@code berth system events}: the daemon's event stream, one line per
 * event as docker prints it, until --until or until interrupted.
 */
@Command(name = "events", description = "Get real time events from the server")
public final class EventsCommand extends ClientCommand {
    private static final DateTimeFormatter RFC3339_NANO_FIXED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX");

    @Option(names = "--since", paramLabel = "TIME", description = "Show all events created since timestamp")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Stream events until this timestamp")
    String until;

    @Option(
            names = {"-f", "--filter"},
            paramLabel = "FILTER",
            description = "Filter output based on conditions provided")
    List<String> filters = new ArrayList<>();

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            description = "Format output using a custom template: 'json', or a Go template")
    String format;

    @Override
    protected int run() throws IOException {
        Instant now = Instant.now();
        ZoneId zone = ZoneId.systemDefault();
        ApiRequest request = ApiRequest.get("/events")
                .query("since", since == null ? null : timestamp(since, now, zone))
                .query("until", until == null ? null : timestamp(until, now, zone))
                .query("filters", Output.filters(filters));
        GoTemplate template = format == null || format.isBlank()
                ? null
                : GoTemplate.parse((format.equals("json") ? "{{json .}}" : format)
                        .strip()
                        .replace("\\t", "\t")
                        .replace("\\n", "\n"));
        PrintStream out = console().out();
        try (ApiResponse response = client().send(request);
                MappingIterator<JsonNode> events = CliJson.MAPPER
                        .readerFor(JsonNode.class)
                        .without(JsonParser.Feature.AUTO_CLOSE_SOURCE)
                        .readValues(response.body())) {
            while (events.hasNextValue()) {
                JsonNode event = events.nextValue();
                out.print(template == null ? line(event, zone) : template.execute(Output.plain(event)) + "\n");
                out.flush();
            }
        } catch (RuntimeException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
        return ExitCodes.OK;
    }

    /** docker's prettyPrintEvent: "TIME TYPE ACTION ID (k=v, …)". */
    static String line(JsonNode event, ZoneId zone) {
        StringBuilder out = new StringBuilder();
        long timeNano = event.path("timeNano").asLong(0);
        long time = event.path("time").asLong(0);
        if (timeNano != 0) {
            out.append(RFC3339_NANO_FIXED.format(
                            Instant.ofEpochSecond(0, timeNano).atZone(zone)))
                    .append(' ');
        } else if (time != 0) {
            out.append(RFC3339_NANO_FIXED.format(Instant.ofEpochSecond(time).atZone(zone)))
                    .append(' ');
        }
        JsonNode actor = event.path("Actor");
        out.append(event.path("Type").asText(""))
                .append(' ')
                .append(event.path("Action").asText(""))
                .append(' ')
                .append(actor.path("ID").asText(""));
        JsonNode attributes = actor.path("Attributes");
        if (attributes.isObject() && !attributes.isEmpty()) {
            Map<String, String> sorted = new TreeMap<>();
            attributes
                    .properties()
                    .forEach(e -> sorted.put(e.getKey(), e.getValue().asText()));
            List<String> pairs = new ArrayList<>();
            sorted.forEach((k, v) -> pairs.add(k + "=" + v));
            out.append(" (").append(String.join(", ", pairs)).append(')');
        }
        return out.append('\n').toString();
    }

    /**
     * docker's timetypes.GetTimestamp: a Go duration ("10m") means that long before now, a Unix
     * timestamp passes as is, an RFC 3339 date or date-time (local time when it has no zone) becomes
     * seconds.nanoseconds since the epoch.
     */
    static String timestamp(String value, Instant now, ZoneId zone) {
        String v = value.strip();
        Duration duration = GoDuration.parse(v);
        if (duration != null) {
            return epoch(now.minus(duration));
        }
        if (v.matches("-?\\d+(\\.\\d+)?")) {
            return v;
        }
        try {
            return epoch(OffsetDateTime.parse(v).toInstant());
        } catch (DateTimeParseException ignored) {
            // not a date-time with a zone
        }
        try {
            return epoch(LocalDateTime.parse(v).atZone(zone).toInstant());
        } catch (DateTimeParseException ignored) {
            // not a local date-time
        }
        try {
            return epoch(LocalDate.parse(v).atStartOfDay(zone).toInstant());
        } catch (DateTimeParseException ignored) {
            // not a date
        }
        throw BerthException.invalid("failed to parse value as time or duration: \"%s\"", value);
    }

    private static String epoch(Instant instant) {
        return "%d.%09d".formatted(instant.getEpochSecond(), instant.getNano());
    }
}
