package dev.berth.cli.command;

import dev.berth.cli.client.ApiRequest;
import dev.berth.core.error.BerthException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code berth image tag SOURCE TARGET} / {@code berth tag}. */
@Command(name = "tag", description = "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE")
public class ImageTagCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "SOURCE_IMAGE[:TAG]")
    String source;

    @Parameters(index = "1", paramLabel = "TARGET_IMAGE[:TAG]")
    String target;

    @Override
    protected int run() {
        if (References.nameAndDigest(target) != null) {
            throw BerthException.invalid("refusing to create a tag with a digest reference");
        }
        String[] nameAndTag = References.nameAndTag(target);
        client().call(ApiRequest.post("/images/" + source + "/tag")
                .query("repo", nameAndTag[0])
                .query("tag", nameAndTag[1] == null ? "latest" : nameAndTag[1]));
        return ExitCodes.OK;
    }
}
