package dev.berth.cli.command;

import dev.berth.cli.client.ApiRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth container stop} / {@code berth stop}: prints each container as given, like docker. */
@Command(name = "stop", description = "Stop one or more running containers")
public class ContainerStopCommand extends ClientCommand {
    @Option(
            names = {"-t", "--time", "--timeout"},
            description = "Seconds to wait before killing the container")
    Integer timeout;

    @Option(
            names = {"-s", "--signal"},
            description = "Signal to send to the container")
    String signal;

    @Parameters(arity = "1..*", paramLabel = "CONTAINER")
    List<String> containers;

    @Override
    protected int run() {
        for (String c : containers) {
            ApiRequest request = ApiRequest.post("/containers/" + c + "/stop");
            if (timeout != null) {
                request.query("t", timeout.toString());
            }
            if (signal != null) {
                request.query("signal", signal);
            }
            client().call(request);
            console().out().println(c);
        }
        return ExitCodes.OK;
    }
}
