package dev.berth.cli.command;

import dev.berth.cli.client.ApiRequest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth volume rm}: each volume in turn; failures are reported after the others and exit 1. */
@Command(
        name = "rm",
        aliases = {"remove"},
        description = "Remove one or more volumes")
public class VolumeRemoveCommand extends ClientCommand {
    @Option(
            names = {"-f", "--force"},
            description = "Do not fail when a volume does not exist")
    boolean force;

    @Parameters(arity = "1..*", paramLabel = "VOLUME")
    List<String> volumes;

    @Override
    protected int run() {
        List<String> errors = new ArrayList<>();
        for (String v : volumes) {
            try {
                client().call(ApiRequest.delete("/volumes/" + v).flag("force", force));
                console().out().println(v);
            } catch (BerthException e) {
                if (e.kind() == ErrorKind.UNAVAILABLE) {
                    throw e;
                }
                errors.add(e.getMessage());
            }
        }
        console().out().flush();
        if (!errors.isEmpty()) {
            errors.forEach(console().err()::println);
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }
}
