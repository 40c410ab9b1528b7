package dev.berth.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.output.Fields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth volume ls}: docker's DRIVER / VOLUME NAME table, names only with -q, or a Go template. */
@Command(
        name = "ls",
        aliases = {"list"},
        description = "List volumes")
public class VolumeListCommand extends ClientCommand {
    static final String DEFAULT_TABLE = "table {{.Driver}}\t{{.Name}}";
    static final Map<String, String> HEADER = Map.of(
            "Driver",
            "DRIVER",
            "Name",
            "VOLUME NAME",
            "Scope",
            "SCOPE",
            "Mountpoint",
            "MOUNTPOINT",
            "Labels",
            "LABELS");

    @Option(
            names = {"-q", "--quiet"},
            description = "Only display volume names")
    boolean quiet;

    @Option(
            names = {"-f", "--filter"},
            paramLabel = "FILTER",
            description = "Provide filter values (e.g. \"dangling=true\")")
    List<String> filters = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", description = "Format output using a custom template")
    String format;

    @Override
    protected int run() {
        ApiRequest request = ApiRequest.get("/volumes");
        String encoded = Output.filters(filters);
        if (encoded != null) {
            request.query("filters", encoded);
        }
        JsonNode volumes = client().json(request).path("Volumes");
        List<Fields> rows = new ArrayList<>();
        for (JsonNode v : volumes) {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("Driver", v.path("Driver").asText());
            values.put("Name", v.path("Name").asText());
            values.put("Scope", v.path("Scope").asText());
            values.put("Mountpoint", v.path("Mountpoint").asText());
            List<String> labels = new ArrayList<>();
            v.path("Labels")
                    .properties()
                    .forEach(e -> labels.add(e.getKey() + "=" + e.getValue().asText()));
            values.put("Labels", String.join(",", labels));
            rows.add(Fields.of(values));
        }
        boolean table = format == null || format.isBlank() || format.equals("table");
        Output.rows(console(), quiet && table ? "{{.Name}}" : format, DEFAULT_TABLE, HEADER, rows);
        return ExitCodes.OK;
    }
}
