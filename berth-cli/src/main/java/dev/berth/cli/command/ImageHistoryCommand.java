package dev.berth.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.output.Fields;
import dev.berth.cli.output.Units;
import dev.berth.core.text.HumanDuration;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth image history} / {@code berth history}: docker's history table. */
@Command(name = "history", description = "Show the history of an image")
public class ImageHistoryCommand extends ClientCommand {
    static final String DEFAULT_TABLE = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
    static final String NON_HUMAN_TABLE = "table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
    static final Map<String, String> HEADER = Map.of(
            "ID",
            "IMAGE",
            "CreatedSince",
            "CREATED",
            "CreatedAt",
            "CREATED AT",
            "CreatedBy",
            "CREATED BY",
            "Size",
            "SIZE",
            "Comment",
            "COMMENT");
    /** docker 28 shows "N/A" for layers dated 2000-01-01 or earlier (reproducible builds use such dates). */
    private static final long EPOCH_2000 = 946684800L;

    @Option(
            names = {"-H", "--human"},
            arity = "0..1",
            defaultValue = "true",
            fallbackValue = "true",
            description = "Print sizes and dates in human readable format (default true)")
    boolean human = true;

    @Option(names = "--no-trunc", description = "Don't truncate output")
    boolean noTrunc;

    @Option(
            names = {"-q", "--quiet"},
            description = "Only show image IDs")
    boolean quiet;

    @Option(names = "--format", paramLabel = "FORMAT", description = "Format output using a custom template")
    String format;

    @Option(names = "--platform", description = "Show history for the given platform")
    String platform;

    @Parameters(index = "0", paramLabel = "IMAGE")
    String image;

    @Override
    protected int run() {
        JsonNode history =
                client().json(ApiRequest.get("/images/" + image + "/history").query("platform", platform));
        String chosen = format;
        if (format == null || format.isBlank() || format.equals("table")) {
            chosen = quiet ? "{{.ID}}" : human ? DEFAULT_TABLE : NON_HUMAN_TABLE;
        }
        Output.rows(
                console(),
                chosen,
                DEFAULT_TABLE,
                HEADER,
                rows(history, !noTrunc, human, Instant.now(), ZoneId.systemDefault()));
        return ExitCodes.OK;
    }

    static List<Fields> rows(JsonNode history, boolean trunc, boolean human, Instant now, ZoneId zone) {
        List<Fields> rows = new ArrayList<>();
        for (JsonNode item : history) {
            String id = item.path("Id").asText("");
            long created = item.path("Created").asLong(0);
            long size = item.path("Size").asLong(0);
            String createdBy = item.path("CreatedBy").asText("").replace('\t', ' ');
            String createdAt = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                    Instant.ofEpochSecond(created).atZone(zone));
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("ID", trunc ? Units.truncateId(id) : id);
            values.put("CreatedAt", createdAt);
            values.put(
                    "CreatedSince",
                    !human
                            ? createdAt
                            : created <= EPOCH_2000
                                    ? "N/A"
                                    : HumanDuration.of(Duration.between(Instant.ofEpochSecond(created), now)) + " ago");
            values.put("CreatedBy", trunc ? Units.ellipsis(createdBy, 45) : createdBy);
            values.put("Size", human ? Units.size(size) : Long.toString(size));
            values.put("Comment", item.path("Comment").asText(""));
            rows.add(Fields.of(values));
        }
        return rows;
    }
}
