package dev.berth.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.output.GoJson;
import dev.berth.cli.output.GoTemplate;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** {@code berth volume inspect}: the daemon's volume JSON as an array, or one line per volume from a Go template. */
@Command(name = "inspect", description = "Display detailed information on one or more volumes")
public class VolumeInspectCommand extends ClientCommand {
    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
            description = "Format output using a custom template: 'json', or a Go template")
    String format;

    @Parameters(arity = "1..*", paramLabel = "VOLUME")
    List<String> volumes;

    @Override
    protected int run() {
        GoTemplate template = format == null || format.isBlank() || format.equals("json")
                ? null : GoTemplate.parse(format.strip().replace("\\t", "\t").replace("\\n", "\n"));
        List<Object> found = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (String name : volumes) {
            JsonNode inspected;
            try {
                inspected = client().json(ApiRequest.get("/volumes/" + name));
            } catch (BerthException e) {
                if (e.kind() == ErrorKind.UNAVAILABLE) {
                    throw e;
                }
                errors.add(e.getMessage());
                continue;
            }
            if (template != null) {
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
