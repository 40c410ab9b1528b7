package dev.berth.cli.output;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Shows a JSON message stream (load, import, pull progress) the way docker's jsonmessage package
 * does. On a terminal each id keeps one line that is redrawn in place with a progress bar;
 * elsewhere progress bars are left out and every other message is a plain line. An error message
 * in the stream ends the display with a failure carrying the daemon's text.
 */
public final class JsonMessageDisplay {
    /** Go's RFC3339NanoFixed: nanoseconds always nine digits. */
    static final DateTimeFormatter RFC3339_NANO_FIXED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX");

    private static final ObjectMapper JSON = new ObjectMapper().configure(JsonParser.Feature.AUTO_CLOSE_SOURCE, false);

    private final PrintStream out;
    private final boolean terminal;
    private final int columns;
    private final ZoneId zone;

    public JsonMessageDisplay(PrintStream out, boolean terminal, int columns, ZoneId zone) {
        this.out = out;
        this.terminal = terminal;
        this.columns = columns;
        this.zone = zone;
    }

    public static JsonMessageDisplay of(Console console) {
        return new JsonMessageDisplay(console.out(), console.outIsTerminal(), console.width(), ZoneId.systemDefault());
    }

    /** Renders every message of {@code stream}; {@code aux} receives the "aux" payloads (may be null). */
    public void display(InputStream stream, Consumer<JsonNode> aux) {
        Map<String, Integer> lines = new HashMap<>();
        try (MappingIterator<JsonNode> messages = JSON.readerFor(JsonNode.class).readValues(stream)) {
            while (messages.hasNextValue()) {
                JsonNode message = messages.nextValue();
                if (message.has("aux")) {
                    if (aux != null) {
                        aux.accept(message.get("aux"));
                    }
                    continue;
                }
                show(message, lines);
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BerthException b) {
                throw b;
            }
            throw new BerthException(
                    ErrorKind.UNAVAILABLE, "error reading the daemon's progress stream: " + e.getMessage(), e);
        } finally {
            out.flush();
        }
    }

    private void show(JsonNode message, Map<String, Integer> lines) {
        String id = text(message, "id");
        boolean hasProgress = message.hasNonNull("progressDetail");
        int diff = 0;
        if (!id.isEmpty() && (hasProgress || !text(message, "progress").isEmpty())) {
            Integer line = lines.get(id);
            if (line == null) {
                line = lines.size();
                lines.put(id, line);
                if (terminal) {
                    out.print("\n");
                }
            }
            diff = lines.size() - line;
            if (terminal && diff > 0) {
                out.print("\u001b[" + diff + "A");
            }
        } else {
            // Output without an id line ends the block of redrawn lines, as docker's does.
            lines.clear();
        }
        BerthException error = error(message);
        if (error == null) {
            render(message, id, hasProgress);
        }
        if (!id.isEmpty() && terminal && diff > 0) {
            out.print("\u001b[" + diff + "B");
        }
        if (error != null) {
            throw error;
        }
    }

    private void render(JsonNode message, String id, boolean hasProgress) {
        String endl = "";
        String bar = hasProgress ? progress(message.get("progressDetail")) : "";
        String stream = text(message, "stream");
        if (terminal && stream.isEmpty() && hasProgress) {
            out.print("\u001b[1K\u001b[K"); // clear the whole line
            endl = "\r";
            out.print(endl);
        } else if (hasProgress && !bar.isEmpty()) {
            return; // no progress bars off a terminal
        }
        long timeNano = message.path("timeNano").asLong(0);
        long time = message.path("time").asLong(0);
        if (timeNano != 0) {
            out.print(timestamp(Instant.ofEpochSecond(0, timeNano)) + " ");
        } else if (time != 0) {
            out.print(timestamp(Instant.ofEpochSecond(time)) + " ");
        }
        if (!id.isEmpty()) {
            out.print(id + ": ");
        }
        String from = text(message, "from");
        if (!from.isEmpty()) {
            out.print("(from " + from + ") ");
        }
        String status = text(message, "status");
        String legacyProgress = text(message, "progress");
        if (hasProgress && terminal) {
            out.print(status + " " + bar + endl);
        } else if (!legacyProgress.isEmpty()) {
            out.print(status + " " + legacyProgress + endl);
        } else if (!stream.isEmpty()) {
            out.print(stream + endl);
        } else {
            out.print(status + endl + "\n");
        }
    }

    private String timestamp(Instant instant) {
        return RFC3339_NANO_FIXED.format(instant.atZone(zone));
    }

    /** The error a message carries (errorDetail, or the older "error" string), or null. */
    static BerthException error(JsonNode message) {
        JsonNode detail = message.get("errorDetail");
        String text = detail != null && detail.hasNonNull("message")
                ? detail.get("message").asText()
                : text(message, "error");
        if (text.isEmpty() && detail == null) {
            return null;
        }
        int code = detail == null ? 0 : detail.path("code").asInt(0);
        if (code == 401) {
            return new BerthException(ErrorKind.UNAUTHORIZED, "authentication is required");
        }
        return new BerthException(code == 0 ? ErrorKind.INTERNAL : kindOf(code), text);
    }

    private static ErrorKind kindOf(int code) {
        return switch (code) {
            case 400 -> ErrorKind.INVALID_ARGUMENT;
            case 403 -> ErrorKind.FORBIDDEN;
            case 404 -> ErrorKind.NOT_FOUND;
            case 409 -> ErrorKind.CONFLICT;
            default -> ErrorKind.INTERNAL;
        };
    }

    /** jsonmessage's JSONProgress.String: "[=====>     ] 1.2MB/4.26MB". */
    String progress(JsonNode detail) {
        long current = detail.path("current").asLong(0);
        long total = detail.path("total").asLong(0);
        String units = text(detail, "units");
        boolean hideCounts = detail.path("hidecounts").asBoolean(false);
        int width = columns > 0 ? columns : 200;
        if (current <= 0 && total <= 0) {
            return "";
        }
        if (total <= 0) {
            return units.isEmpty() ? "%8s".formatted(Units.humanSize(current)) : current + " " + units;
        }
        int percentage = Math.min(50, (int) ((double) current / total * 100) / 2);
        String bar = "";
        if (width > 110) {
            bar = "[" + "=".repeat(percentage) + ">" + " ".repeat(Math.max(0, 50 - percentage)) + "] ";
        }
        String numbers = "";
        if (!hideCounts) {
            if (units.isEmpty()) {
                numbers = current > total
                        ? "%8s".formatted(Units.humanSize(current))
                        : "%8s/%s".formatted(Units.humanSize(current), Units.humanSize(total));
            } else {
                numbers = current > total ? current + " " + units : current + "/" + total + " " + units;
            }
        }
        return bar + numbers;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asText();
    }
}
