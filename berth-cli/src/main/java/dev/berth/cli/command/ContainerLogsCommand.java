package dev.berth.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.server.StdCopy;
import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.client.ApiResponse;
import java.io.InputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth container logs} / {@code berth logs}: stdout to stdout, stderr to stderr. */
@Command(name = "logs", description = "Fetch the logs of a container")
public class ContainerLogsCommand extends ClientCommand {
    @Option(
            names = {"-f", "--follow"},
            description = "Follow log output")
    boolean follow;

    @Option(
            names = {"-t", "--timestamps"},
            description = "Show timestamps")
    boolean timestamps;

    @Option(
            names = {"-n", "--tail"},
            description = "Number of lines to show from the end of the logs")
    String tail = "all";

    @Parameters(arity = "1", paramLabel = "CONTAINER")
    String container;

    @Override
    protected int run() throws Exception {
        JsonNode inspect = client().json(ApiRequest.get("/containers/" + container + "/json"));
        boolean tty = inspect.path("Config").path("Tty").asBoolean();
        try (ApiResponse r = client().send(ApiRequest.get("/containers/" + container + "/logs")
                .flag("stdout", true)
                .flag("stderr", true)
                .flag("follow", follow)
                .flag("timestamps", timestamps)
                .query("tail", tail))) {
            copy(r.body(), tty, this);
        }
        return ExitCodes.OK;
    }

    /** Writes a logs or attach stream: raw with a TTY, else demultiplexed (stdcopy frames). */
    static void copy(InputStream in, boolean tty, ClientCommand command) throws java.io.IOException {
        if (tty) {
            in.transferTo(command.console().out());
            return;
        }
        for (StdCopy.Frame f; (f = StdCopy.readFrame(in)) != null; ) {
            if (f.stream() == StdCopy.Stream.STDERR) {
                command.console().err().write(f.payload());
                command.console().err().flush();
            } else {
                command.console().out().write(f.payload());
                command.console().out().flush();
            }
        }
    }
}
