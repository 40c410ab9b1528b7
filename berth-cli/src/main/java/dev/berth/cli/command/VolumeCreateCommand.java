package dev.berth.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.client.CliJson;
import dev.berth.core.error.BerthException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth volume create [OPTIONS] [VOLUME]}: prints the volume's name (a random one when none is given). */
@Command(name = "create", description = "Create a volume")
public class VolumeCreateCommand extends ClientCommand {

    @Option(
            names = {"-d", "--driver"},
            description = "Specify volume driver name (default \"local\")")
    String driver = "local";

    @Option(names = "--label", paramLabel = "LABEL", description = "Set metadata for a volume")
    List<String> labels = new ArrayList<>();

    @Option(
            names = {"-o", "--opt"},
            paramLabel = "OPT",
            description = "Set driver specific options (type, device, o)")
    List<String> options = new ArrayList<>();

    @Option(names = "--name", description = "Specify volume name")
    String nameOption;

    @Parameters(arity = "0..1", paramLabel = "VOLUME")
    String name;

    @Override
    protected int run() throws Exception {
        if (name != null && nameOption != null && !name.equals(nameOption)) {
            throw BerthException.invalid(
                    "conflicting options: either specify --name or provide positional arg, not both");
        }
        ObjectNode body = CliJson.MAPPER.createObjectNode();
        body.put("Name", name != null ? name : nameOption == null ? "" : nameOption);
        body.put("Driver", driver);
        ObjectNode opts = body.putObject("DriverOpts");
        for (String o : options) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw BerthException.invalid(
                        "invalid argument \"%s\" for \"-o, --opt\" flag: bad format for option (expected key=value)",
                        o);
            }
            opts.put(o.substring(0, eq), o.substring(eq + 1));
        }
        ObjectNode labelNode = body.putObject("Labels");
        for (String l : labels) {
            int eq = l.indexOf('=');
            labelNode.put(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
        }
        String created = client().json(ApiRequest.post("/volumes/create")
                        .body(CliJson.MAPPER.writeValueAsBytes(body), "application/json"))
                .path("Name")
                .asText();
        console().out().println(created);
        return ExitCodes.OK;
    }
}
