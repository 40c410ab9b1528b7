package dev.berth.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.output.Fields;
import dev.berth.cli.output.Units;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth system df}: docker's disk usage summary of images, containers, volumes and build cache. */
@Command(name = "df", description = "Show Berth disk usage")
public final class SystemDfCommand extends ClientCommand {
    static final String DEFAULT_TABLE = "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";
    static final Map<String, String> HEADER = Map.of(
            "Type", "TYPE", "TotalCount", "TOTAL", "Active", "ACTIVE", "Size", "SIZE", "Reclaimable", "RECLAIMABLE");

    @Option(names = "--format", paramLabel = "FORMAT", description = "Format output using a custom template")
    String format;

    @Override
    protected int run() {
        JsonNode df = client().json(ApiRequest.get("/system/df"));
        Output.rows(console(), format, DEFAULT_TABLE, HEADER, rows(df));
        return ExitCodes.OK;
    }

    static List<Fields> rows(JsonNode df) {
        List<Fields> rows = new ArrayList<>();
        JsonNode images = df.path("Images");
        long imagesSize = df.path("LayersSize").asLong(0);
        long imagesActive = 0;
        long imagesUsed = 0;
        for (JsonNode image : images) {
            long containers = image.path("Containers").asLong(0);
            if (containers > 0) {
                imagesActive++;
                long size = image.path("Size").asLong(-1);
                long shared = image.path("SharedSize").asLong(-1);
                if (size != -1 && shared != -1) {
                    imagesUsed += size - shared;
                }
            }
        }
        rows.add(row("Images", images.size(), imagesActive, imagesSize, imagesSize - imagesUsed));

        JsonNode containers = df.path("Containers");
        long containersActive = 0;
        long containersSize = 0;
        long containersReclaimable = 0;
        for (JsonNode container : containers) {
            long sizeRw = container.path("SizeRw").asLong(0);
            containersSize += sizeRw;
            if (container.path("State").asText("").equals("running")) {
                containersActive++;
            } else {
                containersReclaimable += sizeRw;
            }
        }
        rows.add(row("Containers", containers.size(), containersActive, containersSize, containersReclaimable));

        JsonNode volumes = df.path("Volumes");
        long volumesActive = 0;
        long volumesSize = 0;
        long volumesReclaimable = 0;
        for (JsonNode volume : volumes) {
            long size = volume.path("UsageData").path("Size").asLong(0);
            if (size > 0) {
                volumesSize += size;
            }
            if (volume.path("UsageData").path("RefCount").asLong(0) > 0) {
                volumesActive++;
            } else if (size > 0) {
                volumesReclaimable += size;
            }
        }
        rows.add(row("Local Volumes", volumes.size(), volumesActive, volumesSize, volumesReclaimable));

        JsonNode cache = df.path("BuildCache");
        long cacheActive = 0;
        long cacheSize = 0;
        long cacheReclaimable = 0;
        for (JsonNode record : cache) {
            long size = record.path("Size").asLong(0);
            cacheSize += size;
            if (record.path("InUse").asBoolean(false)) {
                cacheActive++;
            }
            if (!record.path("InUse").asBoolean(false) && !record.path("Shared").asBoolean(false)) {
                cacheReclaimable += size;
            }
        }
        rows.add(Fields.of(Map.of(
                "Type",
                "Build Cache",
                "TotalCount",
                Long.toString(cache.size()),
                "Active",
                Long.toString(cacheActive),
                "Size",
                Units.humanSize(cacheSize),
                "Reclaimable",
                Units.humanSize(cacheReclaimable))));
        return rows;
    }

    private static Fields row(String type, long total, long active, long size, long reclaimable) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("Type", type);
        values.put("TotalCount", Long.toString(total));
        values.put("Active", Long.toString(active));
        values.put("Size", Units.humanSize(size));
        values.put(
                "Reclaimable",
                size > 0
                        ? "%s (%d%%)".formatted(Units.humanSize(reclaimable), reclaimable * 100 / size)
                        : Units.humanSize(reclaimable));
        return Fields.of(values);
    }
}
