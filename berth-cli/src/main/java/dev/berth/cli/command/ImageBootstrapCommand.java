package dev.berth.cli.command;

import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.client.ApiResponse;
import dev.berth.cli.output.JsonMessageDisplay;
import dev.berth.core.error.BerthException;
import dev.berth.core.image.BusyboxImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth image bootstrap busybox} (or {@code berth bootstrap busybox}): makes
 * {@code busybox:latest} offline from the host's static busybox. {@link BusyboxImage}
 * builds a deterministic docker-save tar here in the client and it goes to
 * {@code POST /images/load} like any other tar, so the daemon needs no endpoint of its own and the
 * same busybox binary always gives the same image ID.
 */
@Command(
        name = "bootstrap",
        description = "Make a base image offline from the host (busybox:latest from a static busybox)")
public class ImageBootstrapCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "The base image to make: busybox")
    String image;

    @Option(
            names = {"--busybox", "--binary"},
            paramLabel = "PATH",
            defaultValue = "/bin/busybox",
            description = "The static busybox binary (default: ${DEFAULT-VALUE}, from Debian's busybox-static)")
    Path busybox;

    @Option(
            names = {"-t", "--tag"},
            paramLabel = "NAME[:TAG]",
            defaultValue = BusyboxImage.DEFAULT_TAG,
            description = "Tag for the image (default: ${DEFAULT-VALUE})")
    String tag;

    @Option(
            names = {"-q", "--quiet"},
            description = "Suppress the load progress")
    boolean quiet;

    @Override
    protected int run() throws Exception {
        if (!"busybox".equals(image)) {
            throw BerthException.invalid("cannot bootstrap %s: only busybox is supported", image);
        }
        ByteArrayOutputStream tar = new ByteArrayOutputStream(4 << 20);
        BusyboxImage.fromBinary(busybox).writeSaveTar(tag, tar);
        byte[] bytes = tar.toByteArray();
        ApiRequest request = ApiRequest.post("/images/load")
                .flag("quiet", quiet || !console().outIsTerminal())
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
