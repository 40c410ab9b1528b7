package dev.berth.cli.command;

import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.client.ApiResponse;
import dev.berth.cli.output.JsonMessageDisplay;
import dev.berth.core.error.BerthException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth image load} / {@code berth load}: sends a docker-save tar (from -i FILE or stdin) to
 * {@code POST /images/load} as it is read, and shows the daemon's progress.
 */
@Command(name = "load", description = "Load an image from a tar archive or STDIN")
public class ImageLoadCommand extends ClientCommand {
    @Option(
            names = {"-i", "--input"},
            paramLabel = "FILE",
            description = "Read from tar archive file, instead of STDIN")
    String input;

    @Option(
            names = {"-q", "--quiet"},
            description = "Suppress the load output")
    boolean quiet;

    @Override
    protected int run() throws Exception {
        InputStream body;
        long length = -1;
        if (input == null || input.isEmpty()) {
            if (console().inIsTerminal()) {
                throw BerthException.invalid("requested load from stdin, but stdin is empty");
            }
            body = console().in();
        } else {
            Path file = Path.of(input);
            body = Files.newInputStream(file);
            length = Files.size(file);
        }
        ApiRequest request = ApiRequest.post("/images/load")
                .flag("quiet", quiet || !console().outIsTerminal())
                .body(body, length, "application/x-tar");
        try (ApiResponse response = client().send(request)) {
            if (response.isJson()) {
                JsonMessageDisplay.of(console()).display(response.body(), null);
            } else {
                response.body().transferTo(console().out());
            }
        } finally {
            if (body != console().in()) {
                body.close();
            }
        }
        return ExitCodes.OK;
    }
}
