package dev.berth.cli.command;

import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.client.ApiResponse;
import dev.berth.cli.output.JsonMessageDisplay;
import dev.berth.core.error.BerthException;
import dev.berth.core.reference.ImageReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth push NAME[:TAG]}: {@code POST /images/{name}/push?tag=}, with a progress bar per layer. */
@Command(name = "push", description = "Upload an image to a registry")
public class PushCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME[:TAG]")
    String name;

    @Option(
            names = {"-a", "--all-tags"},
            description = "Push all tags of the repository")
    boolean allTags;

    @Option(
            names = {"-q", "--quiet"},
            description = "Suppress verbose output")
    boolean quiet;

    @Override
    protected int run() throws Exception {
        ImageReference ref = ImageReference.parse(name);
        if (ref.digest().isPresent()) {
            throw BerthException.invalid("cannot push a digest reference");
        }
        if (allTags && ref.tag().isPresent()) {
            throw BerthException.invalid("tag can't be used with --all-tags/-a");
        }
        if (!allTags && ref.isNameOnly()) {
            console().out().println("Using default tag: latest");
            ref = ref.withDefaultTag();
        }
        ApiRequest request = ApiRequest.post("/images/" + ref.nameOnly() + "/push")
                .query("tag", ref.tag().orElse(null))
                .header("X-Registry-Auth", DockerCredentials.of(console().env()).header(ref.domain()));
        try (ApiResponse response = client().send(request)) {
            if (quiet) {
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
        if (quiet) {
            console().out().println(ref);
        }
        return ExitCodes.OK;
    }
}
