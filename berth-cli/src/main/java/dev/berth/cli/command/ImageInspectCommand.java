package dev.berth.cli.command;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code berth image inspect} / {@code berth inspect}: the daemon's image JSON. */
@Command(name = "inspect", description = "Display detailed information on one or more images")
public class ImageInspectCommand extends InspectCommand {
    @Parameters(arity = "1..*", paramLabel = "IMAGE")
    List<String> images;

    @Override
    protected int run() {
        return inspect(images, image -> "/images/" + image + "/json");
    }
}
