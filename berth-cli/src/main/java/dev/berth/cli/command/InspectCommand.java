package dev.berth.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.output.GoJson;
import dev.berth.cli.output.GoTemplate;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * What every {@code inspect} command does, as docker's: the daemon's JSON for each object as one
 * JSON array, or one line per object from a Go template. Objects that are not found are reported
 * on stderr after the others are printed, and the exit code is 1.
 */
abstract class InspectCommand extends ClientCommand {
    @Option(
            names = {"-f", "--format"},
            paramLabel = "FORMAT",
            description = "Format output using a custom template: 'json', or a Go template")
    String format;

    /** Prints what the daemon answers at {@code path.apply(name)} for each of {@code names}. */
    protected int inspect(List<String> names, Function<String, String> path) {
        GoTemplate template = format == null || format.isBlank() || format.equals("json")
                ? null
                : GoTemplate.parse(format.strip().replace("\\t", "\t").replace("\\n", "\n"));
        List<Object> found = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (String name : names) {
            JsonNode inspected;
            try {
                inspected = client().json(ApiRequest.get(path.apply(name)));
            } catch (BerthException e) {
                if (e.kind() == ErrorKind.UNAVAILABLE) {
                    throw e;
                }
                errors.add(e.getMessage());
                continue;
            }
            if (template != null) {
                // Fields in the daemon's order, which is the order of docker's typed structs.
                lines.append(template.execute(Output.plain(inspected))).append('\n');
            } else {
                found.add(inspected);
            }
        }
        if (template != null) {
            console().out().print(lines);
        } else {
            console().out().println(GoJson.indent(found));
        }
        console().out().flush();
        if (!errors.isEmpty()) {
            errors.forEach(console().err()::println);
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }
}
