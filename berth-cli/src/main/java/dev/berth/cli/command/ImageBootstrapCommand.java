package dev.berth.cli.command;

import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.client.ApiResponse;
import dev.berth.cli.output.JsonMessageDisplay;
import dev.berth.core.error.BerthException;
import dev.berth.engine.image.BusyboxImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth image bootstrap busybox}: makes {@code busybox:latest} offline from the host's
 * static busybox. The image is built here, deterministically, as a docker-save tar and sent to
 * {@code POST /images/load}, so the daemon needs no endpoint of its own and the same busybox
 * binary always gives the same image ID.
 */
@Command(name = "bootstrap", description = "Make a base image offline from the host (busybox:latest from a static busybox)")
public class ImageBootstrapCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "The base image to make: busybox")
    String image;

    @Option(names = "--busybox", paramLabel = "PATH", description = "The static busybox binary (default /bin/busybox)")
    String busybox = "/bin/busybox";

    @Option(names = {"-t", "--tag"}, paramLabel = "NAME[:TAG]", description = "Tag for the image (default busybox:latest)")
    String tag = BusyboxImage.DEFAULT_TAG;

    @Override
    protected int run() throws Exception {
        if (!"busybox".equals(image)) {
            throw BerthException.invalid("cannot bootstrap %s: only busybox is supported", image);
        }
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        BusyboxImage.fromBinary(Path.of(busybox)).writeSaveTar(tag, tar);
        byte[] bytes = tar.toByteArray();
        ApiRequest request = ApiRequest.post("/images/load")
                .flag("quiet", true)
                .body(new ByteArrayInputStream(bytes), bytes.length, "application/x-tar");
        try (ApiResponse response = client().send(request)) {
            if (response.isJson()) {
                JsonMessageDisplay.of(console()).display(response.body(), null);
            } else {
                response.body().transferTo(console().out());
            }
        }
        return ExitCodes.OK;
    }
}
