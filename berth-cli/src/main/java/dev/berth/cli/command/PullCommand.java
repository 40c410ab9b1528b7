package dev.berth.cli.command;

import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.client.ApiResponse;
import dev.berth.cli.output.JsonMessageDisplay;
import dev.berth.core.reference.ImageReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth pull NAME[:TAG|@DIGEST]}: {@code POST /images/create?fromImage=&tag=}, with a progress bar per layer. */
@Command(name = "pull", description = "Download an image from a registry")
public class PullCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME[:TAG|@DIGEST]")
    String name;

    @Option(
            names = "--platform",
            paramLabel = "OS/ARCH[/VARIANT]",
            description = "Platform to pull from a multi-platform image")
    String platform;

    @Option(
            names = {"-q", "--quiet"},
            description = "Suppress verbose output")
    boolean quiet;

    @Override
    protected int run() throws Exception {
        ImageReference parsed = ImageReference.parse(name);
        if (parsed.isNameOnly()) {
            console().out().println("Using default tag: latest");
        }
        ImageReference ref = parsed.withDefaultTag();
        String tag =
                ref.digest().map(Object::toString).orElseGet(() -> ref.tag().orElse(null));
        ApiRequest request = ApiRequest.post("/images/create")
                .query("fromImage", ref.nameOnly().toString())
                .query("tag", tag)
                .query("platform", platform)
                .header("X-Registry-Auth", DockerCredentials.of(console().env()).header(ref.domain()));
        try (ApiResponse response = client().send(request)) {
            if (quiet) {
                // Errors in the stream still fail the command; only the progress is not shown.
                new JsonMessageDisplay(
                                new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
                                false,
                                80,
                                java.time.ZoneId.systemDefault())
                        .display(response.body(), null);
            } else {
                JsonMessageDisplay.of(console()).display(response.body(), null);
            }
        }
        console().out().println(ref.dockerRef());
        return ExitCodes.OK;
    }
}
