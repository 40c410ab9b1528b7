package dev.berth.cli.command;

import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.client.ApiResponse;
import dev.berth.cli.output.JsonMessageDisplay;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth image import file|URL|- [REPOSITORY[:TAG]]}: a root filesystem tar becomes a
 * one-layer image ({@code POST /images/create?fromSrc=-}), streamed from the file or stdin.
 */
@Command(name = "import", description = "Import the contents from a tarball to create a filesystem image")
public class ImageImportCommand extends ClientCommand {
    @Option(
            names = {"-c", "--change"},
            paramLabel = "INSTRUCTION",
            description = "Apply Dockerfile instruction to the created image (CMD, ENTRYPOINT, ENV, WORKDIR …)")
    List<String> changes = new ArrayList<>();

    @Option(
            names = {"-m", "--message"},
            description = "Set commit message for imported image")
    String message;

    @Option(names = "--platform", description = "Set platform if server is multi-platform capable")
    String platform;

    @Parameters(index = "0", paramLabel = "file|URL|-")
    String source;

    @Parameters(index = "1", arity = "0..1", paramLabel = "REPOSITORY[:TAG]")
    String reference;

    @Override
    protected int run() throws Exception {
        ApiRequest request = ApiRequest.post("/images/create");
        InputStream body = null;
        long length = -1;
        if (source.equals("-")) {
            request.query("fromSrc", "-");
            body = console().in();
        } else if (source.startsWith("http://") || source.startsWith("https://")) {
            request.query("fromSrc", source);
        } else {
            Path file = Path.of(source);
            body = Files.newInputStream(file);
            length = Files.size(file);
            request.query("fromSrc", "-");
        }
        if (reference != null) {
            String[] nameAndTag = References.nameAndTag(reference);
            request.query("repo", nameAndTag[0]).query("tag", nameAndTag[1]);
        }
        request.query("message", message).query("platform", platform);
        changes.forEach(change -> request.query("changes", change));
        if (body != null) {
            request.body(body, length, "application/x-tar");
        }
        try (ApiResponse response = client().send(request)) {
            JsonMessageDisplay.of(console()).display(response.body(), null);
        } finally {
            if (body != null && body != console().in()) {
                body.close();
            }
        }
        return ExitCodes.OK;
    }
}
