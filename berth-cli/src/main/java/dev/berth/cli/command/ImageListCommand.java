package dev.berth.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.output.Fields;
import dev.berth.cli.output.Units;
import dev.berth.core.text.HumanDuration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth image ls} / {@code berth images}: docker's image table. */
@Command(
        name = "ls",
        aliases = {"list"},
        description = "List images")
public class ImageListCommand extends ClientCommand {
    static final String DEFAULT_TABLE =
            "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}";
    static final String DEFAULT_TABLE_WITH_DIGEST =
            "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}";
    static final Map<String, String> HEADER = Map.ofEntries(
            Map.entry("ID", "IMAGE ID"),
            Map.entry("Repository", "REPOSITORY"),
            Map.entry("Tag", "TAG"),
            Map.entry("Digest", "DIGEST"),
            Map.entry("CreatedSince", "CREATED"),
            Map.entry("CreatedAt", "CREATED AT"),
            Map.entry("Size", "SIZE"),
            Map.entry("Containers", "CONTAINERS"),
            Map.entry("VirtualSize", "SIZE"),
            Map.entry("SharedSize", "SHARED SIZE"),
            Map.entry("UniqueSize", "UNIQUE SIZE"));

    @Option(
            names = {"-a", "--all"},
            description = "Show all images (default hides intermediate images)")
    boolean all;

    @Option(
            names = {"-q", "--quiet"},
            description = "Only show image IDs")
    boolean quiet;

    @Option(names = "--digests", description = "Show digests")
    boolean digests;

    @Option(names = "--no-trunc", description = "Don't truncate output")
    boolean noTrunc;

    @Option(
            names = {"-f", "--filter"},
            paramLabel = "FILTER",
            description = "Filter output based on conditions provided")
    List<String> filters = new ArrayList<>();

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            description = "Format output using a custom template: 'table', 'table TEMPLATE', 'json', or a Go template")
    String format;

    @Parameters(arity = "0..1", paramLabel = "REPOSITORY[:TAG]")
    String reference;

    @Override
    protected int run() {
        List<String> all = new ArrayList<>(filters);
        if (reference != null) {
            all.add("reference=" + reference);
        }
        JsonNode images = client().json(
                        ApiRequest.get("/images/json").flag("all", this.all).query("filters", Output.filters(all)));
        String chosen = format;
        boolean showDigests = digests || (format != null && format.contains("{{.Digest}}"));
        if (quiet && (format == null || format.isBlank() || format.equals("table"))) {
            chosen = "{{.ID}}";
        } else if (format == null || format.isBlank() || format.equals("table")) {
            chosen = digests ? DEFAULT_TABLE_WITH_DIGEST : DEFAULT_TABLE;
        } else if (chosen.startsWith("table") && digests && !chosen.contains("{{.Digest}}")) {
            chosen += "\t{{.Digest}}";
        }
        Output.rows(
                console(), chosen, DEFAULT_TABLE, HEADER, rows(images, !noTrunc, showDigests, digests, Instant.now()));
        return ExitCodes.OK;
    }

    /** One row per repository:tag (docker's imageFormat), or one "&lt;none&gt;" row for a dangling image. */
    static List<Fields> rows(JsonNode images, boolean trunc, boolean needDigest, boolean digestRows, Instant now) {
        List<Fields> rows = new ArrayList<>();
        for (JsonNode image : images) {
            List<String> repoTags = strings(image.get("RepoTags"));
            List<String> repoDigests = strings(image.get("RepoDigests"));
            if (isDangling(repoTags, repoDigests)) {
                rows.add(row(image, trunc, "<none>", "<none>", "<none>", now));
                continue;
            }
            Map<String, List<String>> tagsByRepo = new LinkedHashMap<>();
            for (String repoTag : repoTags) {
                String[] parts = References.nameAndTag(repoTag);
                if (parts[1] != null) {
                    tagsByRepo
                            .computeIfAbsent(References.familiar(parts[0]), k -> new ArrayList<>())
                            .add(parts[1]);
                }
            }
            Map<String, List<String>> digestsByRepo = new LinkedHashMap<>();
            for (String repoDigest : repoDigests) {
                String[] parts = References.nameAndDigest(repoDigest);
                if (parts != null) {
                    digestsByRepo
                            .computeIfAbsent(References.familiar(parts[0]), k -> new ArrayList<>())
                            .add(parts[1]);
                }
            }
            for (var entry : tagsByRepo.entrySet()) {
                List<String> repoDigestList = digestsByRepo.remove(entry.getKey());
                if (!needDigest || repoDigestList == null) {
                    repoDigestList = List.of();
                }
                for (String tag : entry.getValue()) {
                    if (repoDigestList.isEmpty()) {
                        rows.add(row(image, trunc, entry.getKey(), tag, "<none>", now));
                    }
                    for (String digest : repoDigestList) {
                        rows.add(row(image, trunc, entry.getKey(), tag, digest, now));
                    }
                }
            }
            for (var entry : digestsByRepo.entrySet()) {
                if (digestRows) {
                    for (String digest : entry.getValue()) {
                        rows.add(row(image, trunc, entry.getKey(), "<none>", digest, now));
                    }
                } else {
                    rows.add(row(image, trunc, entry.getKey(), "<none>", "", now));
                }
            }
        }
        return rows;
    }

    private static boolean isDangling(List<String> repoTags, List<String> repoDigests) {
        if (repoTags.isEmpty() && repoDigests.isEmpty()) {
            return true;
        }
        return repoTags.size() == 1
                && repoTags.getFirst().equals("<none>:<none>")
                && repoDigests.size() == 1
                && repoDigests.getFirst().equals("<none>@<none>");
    }

    private static Fields row(JsonNode image, boolean trunc, String repo, String tag, String digest, Instant now) {
        String id = image.path("Id").asText("");
        long created = image.path("Created").asLong(0);
        long size = image.path("Size").asLong(0);
        long shared = image.path("SharedSize").asLong(-1);
        long containers = image.path("Containers").asLong(-1);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("ID", trunc ? Units.truncateId(id) : id);
        values.put("Repository", repo);
        values.put("Tag", tag);
        values.put("Digest", digest);
        values.put("CreatedSince", HumanDuration.of(Duration.between(Instant.ofEpochSecond(created), now)) + " ago");
        values.put("CreatedAt", Output.goTimeString(created));
        values.put("Size", Units.size(size));
        values.put("Containers", containers == -1 ? "N/A" : Long.toString(containers));
        values.put("VirtualSize", Units.humanSize(size));
        values.put("SharedSize", shared == -1 ? "N/A" : Units.humanSize(shared));
        values.put("UniqueSize", shared == -1 ? "N/A" : Units.humanSize(size - shared));
        return Fields.of(values);
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(v -> out.add(v.asText()));
        }
        return out;
    }
}
