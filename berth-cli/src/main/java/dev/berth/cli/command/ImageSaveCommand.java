package dev.berth.cli.command;

import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.client.ApiResponse;
import dev.berth.core.error.BerthException;
import dev.berth.core.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth image save} / {@code berth save}: streams {@code GET /images/get} to stdout or to
 * -o FILE. The file is written under a temporary name and renamed when complete (docker's
 * atomicwriter), so a failed save never leaves a truncated tar under the requested name; a tar is
 * never written to a terminal.
 */
@Command(name = "save", description = "Save one or more images to a tar archive (streamed to STDOUT by default)")
public class ImageSaveCommand extends ClientCommand {
    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Write to a file, instead of STDOUT")
    String output;

    @Option(names = "--platform", description = "Save only the given platform(s)")
    List<String> platforms;

    @Parameters(arity = "1..*", paramLabel = "IMAGE")
    List<String> images;

    @Override
    protected int run() throws IOException {
        if ((output == null || output.isEmpty()) && console().outIsTerminal()) {
            throw BerthException.invalid("cowardly refusing to save to a terminal. Use the -o flag or redirect");
        }
        ApiRequest request = ApiRequest.get("/images/get");
        images.forEach(image -> request.query("names", image));
        if (platforms != null) {
            platforms.forEach(p -> request.query("platform", p));
        }
        if (output == null || output.isEmpty()) {
            try (ApiResponse response = client().send(request)) {
                console().out().flush();
                copy(response, console().raw());
                console().raw().flush();
            }
            return ExitCodes.OK;
        }
        // As the docker CLI: the whole tar or no file, mode 0600, no fsync (a client's output file).
        try (ApiResponse response = client().send(request)) {
            AtomicFiles.write(
                    Path.of(output),
                    AtomicFiles.Access.OWNER_ONLY,
                    AtomicFiles.Sync.VOLATILE,
                    out -> copy(response, out));
        }
        return ExitCodes.OK;
    }

    private static void copy(ApiResponse response, OutputStream out) throws IOException {
        try {
            response.body().transferTo(out);
        } catch (IOException e) {
            if (e instanceof java.io.EOFException) {
                throw BerthException.unavailable(
                        "failed to save image: the daemon's tar stream ended early: %s", e.getMessage());
            }
            throw e;
        }
    }
}
