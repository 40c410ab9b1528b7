package dev.berth.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.output.GoJson;
import dev.berth.cli.output.GoTemplate;
import dev.berth.core.error.BerthException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth image inspect} / {@code berth inspect}: the daemon's image JSON as a JSON array
 * (docker's layout), or one line per image from a Go template. Images that are not found are
 * reported on stderr after the others are printed, and the exit code is 1.
 */
@Command(name = "inspect", description = "Display detailed information on one or more images")
public class ImageInspectCommand extends ClientCommand {
    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
            description = "Format output using a custom template: 'json', or a Go template")
    String format;

    @Parameters(arity = "1..*", paramLabel = "IMAGE")
    List<String> images;

    @Override
    protected int run() {
        GoTemplate template = format == null || format.isBlank() || format.equals("json")
                ? null : GoTemplate.parse(format.strip().replace("\\t", "\t").replace("\\n", "\n"));
        List<Object> found = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (String image : images) {
            JsonNode inspected;
            try {
                inspected = client().json(ApiRequest.get("/images/" + image + "/json"));
            } catch (BerthException e) {
                if (e.kind() == dev.berth.core.error.ErrorKind.UNAVAILABLE) {
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
