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

/** {@code berth volume prune}: unused anonymous volumes (all unused ones with -a), after asking. */
@Command(name = "prune", description = "Remove unused local volumes")
public class VolumePruneCommand extends ClientCommand {
    @Option(
            names = {"-a", "--all"},
            description = "Remove all unused volumes, not just anonymous ones")
    boolean all;

    @Option(
            names = {"-f", "--force"},
            description = "Do not prompt for confirmation")
    boolean force;

    @Option(names = "--filter", paramLabel = "FILTER", description = "Provide filter values (e.g. \"label=<label>\")")
    List<String> filters = new ArrayList<>();

    @Override
    protected int run() throws IOException {
        if (!force) {
            String warning = all
                    ? "WARNING! This will remove all local volumes not used by at least one container."
                    : "WARNING! This will remove anonymous local volumes not used by at least one container.";
            console().out().print(warning + "\nAre you sure you want to continue? [y/N] ");
            console().out().flush();
            String answer =
                    new BufferedReader(new InputStreamReader(console().in(), StandardCharsets.UTF_8)).readLine();
            if (answer == null
                    || !(answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"))) {
                return ExitCodes.OK;
            }
        }
        List<String> given = new ArrayList<>(filters);
        if (all) {
            given.add("all=true");
        }
        ApiRequest request = ApiRequest.post("/volumes/prune");
        String encoded = Output.filters(given);
        if (encoded != null) {
            request.query("filters", encoded);
        }
        JsonNode report = client().json(request);
        JsonNode deleted = report.path("VolumesDeleted");
        if (deleted.isArray() && !deleted.isEmpty()) {
            StringBuilder out = new StringBuilder("Deleted Volumes:\n");
            deleted.forEach(name -> out.append(name.asText()).append('\n'));
            console().out().println(out);
        }
        console()
                .out()
                .println("Total reclaimed space: "
                        + Units.humanSize(report.path("SpaceReclaimed").asLong(0)));
        return ExitCodes.OK;
    }
}
