package dev.berth.cli.command;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code berth volume inspect}: the daemon's volume JSON. */
@Command(name = "inspect", description = "Display detailed information on one or more volumes")
public class VolumeInspectCommand extends InspectCommand {
    @Parameters(arity = "1..*", paramLabel = "VOLUME")
    List<String> volumes;

    @Override
    protected int run() {
        return inspect(volumes, name -> "/volumes/" + name);
    }
}
