package dev.berth.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.output.Units;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth image prune}: removes dangling (or, with -a, all unused) images after asking. */
@Command(name = "prune", description = "Remove unused images")
public class ImagePruneCommand extends ClientCommand {
    @Option(
            names = {"-a", "--all"},
            description = "Remove all unused images, not just dangling ones")
    boolean all;

    @Option(
            names = {"-f", "--force"},
            description = "Do not prompt for confirmation")
    boolean force;

    @Option(
            names = "--filter",
            paramLabel = "FILTER",
            description = "Provide filter values (e.g. \"until=<timestamp>\")")
    List<String> filters = new ArrayList<>();

    @Override
    protected int run() throws IOException {
        if (!force) {
            String warning = all
                    ? "WARNING! This will remove all images without at least one container associated to them."
                    : "WARNING! This will remove all dangling images.";
            console().out().print(warning + "\nAre you sure you want to continue? [y/N] ");
            console().out().flush();
            String answer =
                    new BufferedReader(new InputStreamReader(console().in(), StandardCharsets.UTF_8)).readLine();
            if (answer == null
                    || !(answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"))) {
                return ExitCodes.OK; // docker treats "no" as a cancellation, not a failure
            }
        }
        List<String> all = new ArrayList<>(filters);
        all.add("dangling=" + !this.all);
        JsonNode report = client().json(ApiRequest.post("/images/prune").query("filters", Output.filters(all)));
        JsonNode deleted = report.path("ImagesDeleted");
        if (deleted.isArray() && !deleted.isEmpty()) {
            StringBuilder out = new StringBuilder("Deleted Images:\n");
            for (JsonNode item : deleted) {
                if (!item.path("Untagged").asText("").isEmpty()) {
                    out.append("untagged: ")
                            .append(item.get("Untagged").asText())
                            .append('\n');
                } else {
                    out.append("deleted: ")
                            .append(item.path("Deleted").asText())
                            .append('\n');
                }
            }
            console().out().println(out);
        }
        long reclaimed = deleted.isArray() && !deleted.isEmpty()
                ? report.path("SpaceReclaimed").asLong(0)
                : 0;
        console().out().println("Total reclaimed space: " + Units.humanSize(reclaimed));
        return ExitCodes.OK;
    }
}
