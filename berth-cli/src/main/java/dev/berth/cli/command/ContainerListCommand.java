package dev.berth.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth container ls} / {@code berth ps}: docker's default columns, or IDs with -q. */
@Command(
        name = "ls",
        aliases = {"list", "ps"},
        description = "List containers")
public class ContainerListCommand extends ClientCommand {
    @Option(
            names = {"-a", "--all"},
            description = "Show all containers (default shows just running)")
    boolean all;

    @Option(
            names = {"-q", "--quiet"},
            description = "Only display container IDs")
    boolean quiet;

    @Option(names = "--no-trunc", description = "Don't truncate output")
    boolean noTrunc;

    @Override
    protected int run() {
        JsonNode list = client().json(ApiRequest.get("/containers/json").flag("all", all));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "NAMES"});
        for (JsonNode c : list) {
            String id = noTrunc ? c.path("Id").asText() : c.path("Id").asText().substring(0, 12);
            if (quiet) {
                console().out().println(id);
                continue;
            }
            String command = c.path("Command").asText();
            if (!noTrunc && command.length() > 20) {
                command = command.substring(0, 19) + "…";
            }
            String name = c.path("Names").path(0).asText();
            name = name.startsWith("/") ? name.substring(1) : name;
            rows.add(new String[] {
                id,
                c.path("Image").asText(),
                "\"" + command + "\"",
                ago(c.path("Created").asLong()),
                c.path("Status").asText(),
                name
            });
        }
        if (!quiet) {
            int[] widths = new int[6];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(row[i]);
                    if (i < row.length - 1) {
                        line.repeat(' ', widths[i] + 3 - row[i].length());
                    }
                }
                console().out().println(line.toString().stripTrailing());
            }
        }
        return ExitCodes.OK;
    }

    private static String ago(long epochSeconds) {
        long s = java.time.Instant.now().getEpochSecond() - epochSeconds;
        if (s < 60) {
            return s <= 1 ? "Less than a second ago" : s + " seconds ago";
        }
        if (s < 3600) {
            return s / 60 == 1 ? "About a minute ago" : s / 60 + " minutes ago";
        }
        return s / 3600 == 1 ? "About an hour ago" : s / 3600 + " hours ago";
    }
}
