package dev.berth.cli.command;

import dev.berth.cli.client.ApiRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth container rm} / {@code berth rm}. */
@Command(
        name = "rm",
        aliases = {"remove"},
        description = "Remove one or more containers")
public class ContainerRemoveCommand extends ClientCommand {
    @Option(
            names = {"-f", "--force"},
            description = "Force the removal of a running container (uses SIGKILL)")
    boolean force;

    @Option(
            names = {"-v", "--volumes"},
            description = "Remove anonymous volumes associated with the container")
    boolean volumes;

    @Parameters(arity = "1..*", paramLabel = "CONTAINER")
    List<String> containers;

    @Override
    protected int run() {
        for (String c : containers) {
            client().call(ApiRequest.delete("/containers/" + c)
                    .flag("force", force)
                    .flag("v", volumes));
            console().out().println(c);
        }
        return ExitCodes.OK;
    }
}
