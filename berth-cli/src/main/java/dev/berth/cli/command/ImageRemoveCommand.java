package dev.berth.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.cli.client.ApiRequest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth image rm} / {@code berth rmi}: prints "Untagged: …" and "Deleted: …" per image.
 * Like docker, it goes on past an image that fails, and with --force an image that is not there
 * is reported but does not fail the command.
 */
@Command(
        name = "rm",
        aliases = {"remove"},
        description = "Remove one or more images")
public class ImageRemoveCommand extends ClientCommand {
    @Option(
            names = {"-f", "--force"},
            description = "Force removal of the image")
    boolean force;

    @Option(names = "--no-prune", description = "Do not delete untagged parents")
    boolean noPrune;

    @Parameters(arity = "1..*", paramLabel = "IMAGE")
    List<String> images;

    @Override
    protected int run() {
        List<BerthException> errors = new ArrayList<>();
        boolean fatal = false;
        for (String image : images) {
            JsonNode deleted;
            try {
                deleted = client().json(ApiRequest.delete("/images/" + image)
                        .flag("force", force)
                        .flag("noprune", noPrune));
            } catch (BerthException e) {
                if (e.kind() == ErrorKind.UNAVAILABLE) {
                    throw e;
                }
                fatal |= e.kind() != ErrorKind.NOT_FOUND;
                errors.add(e);
                continue;
            }
            for (JsonNode item : deleted) {
                if (item.hasNonNull("Deleted") && !item.get("Deleted").asText().isEmpty()) {
                    console().out().println("Deleted: " + item.get("Deleted").asText());
                } else {
                    console().out().println("Untagged: " + item.path("Untagged").asText());
                }
            }
        }
        console().out().flush();
        errors.forEach(e -> console().err().println(e.getMessage()));
        return errors.isEmpty() || (force && !fatal) ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
