package dev.berth.cli.command;

import dev.berth.api.build.BuildRoutes;
import dev.berth.cli.build.BuildDisplay;
import dev.berth.cli.build.ContextTar;
import dev.berth.cli.client.ApiRequest;
import dev.berth.cli.client.ApiResponse;
import dev.berth.cli.client.CliJson;
import dev.berth.core.error.BerthException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth build [OPTIONS] PATH | URL | -}: sends the context (a directory as a tar, a tar
 * or Dockerfile from stdin, or a URL for the daemon to fetch) to {@code POST /build} and shows
 * the progress — compact and live in a terminal, the daemon's lines in a pipe. A failing step
 * exits with the step's own exit code, as {@code docker build} does.
 */
@Command(name = "build", description = "Build an image from a Dockerfile")
public class BuildCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "PATH | URL | -", description = "The build context")
    String context;

    @Option(
            names = {"-t", "--tag"},
            paramLabel = "NAME[:TAG]",
            description = "Name and optionally a tag (repeatable)")
    List<String> tags = new ArrayList<>();

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE",
            description = "Name of the Dockerfile (default: PATH/Dockerfile; - reads it from stdin)")
    String file;

    @Option(names = "--build-arg", paramLabel = "NAME[=VALUE]", description = "Set a build-time variable")
    List<String> buildArgs = new ArrayList<>();

    @Option(names = "--target", paramLabel = "STAGE", description = "Build this stage")
    String target;

    @Option(names = "--no-cache", description = "Do not use the cache when building the image")
    boolean noCache;

    @Option(names = "--pull", description = "Always pull the base images")
    boolean pull;

    @Option(
            names = {"-q", "--quiet"},
            description = "Print only the image ID on success")
    boolean quiet;

    @Option(names = "--iidfile", paramLabel = "FILE", description = "Write the image ID to the file")
    String iidFile;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Set metadata for the image")
    List<String> labels = new ArrayList<>();

    @Option(
            names = "--secret",
            paramLabel = "id=ID,src=FILE|env=VAR",
            description = "A secret for RUN --mount=type=secret (never written into the image)")
    List<String> secrets = new ArrayList<>();

    @Override
    protected int run() throws Exception {
        if (iidFile != null) {
            Files.deleteIfExists(Path.of(iidFile)); // no stale ID when this build fails
        }
        ApiRequest request = ApiRequest.post("/build")
                .flag("q", quiet)
                .flag("nocache", noCache)
                .flag("pull", pull)
                .query("target", target)
                .query("buildargs", json(buildArgs()))
                .query("labels", json(keyValues(labels)));
        tags.forEach(t -> request.query("t", t));
        if (!secrets.isEmpty()) {
            request.header(BuildRoutes.SECRETS_HEADER, secretsHeader());
        }
        InputStream body = body(request);
        String imageId;
        try (ApiResponse response = client().send(request)) {
            PrintStream screen = quiet
                    ? new PrintStream(java.io.OutputStream.nullOutputStream())
                    : console().out();
            BuildDisplay display = new BuildDisplay(
                    screen, !quiet && console().outIsTerminal(), console().width());
            try {
                imageId = display.display(response.body());
            } catch (BuildDisplay.Failed e) {
                console().err().println(e.getMessage());
                return e.code();
            }
        } finally {
            if (body != null && body != console().in()) {
                body.close();
            }
        }
        if (imageId == null) {
            throw BerthException.unavailable("the daemon did not report the image it built");
        }
        if (quiet) {
            console().out().println(imageId);
        }
        if (iidFile != null) {
            Files.writeString(Path.of(iidFile), imageId);
        }
        return ExitCodes.OK;
    }

    /** The context as the request's body (or {@code remote} for a URL); returns the stream to close. */
    private InputStream body(ApiRequest request) throws IOException {
        if (context.startsWith("http://") || context.startsWith("https://")) {
            request.query("remote", context).query("dockerfile", file);
            return null;
        }
        if (context.equals("-")) {
            if ("-".equals(file)) {
                throw BerthException.invalid("invalid argument: can't use stdin for both build context and dockerfile");
            }
            request.query("dockerfile", file);
            InputStream in = new java.io.BufferedInputStream(console().in());
            if (!looksLikeArchive(in)) {
                // a Dockerfile on stdin: it is the context's only file
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                new ContextTar(null, "Dockerfile", "Dockerfile", in.readAllBytes()).writeTo(bytes);
                request.body(bytes.toByteArray(), "application/x-tar");
                return null;
            }
            request.body(in, -1, "application/x-tar");
            return in;
        }
        Path dir = Path.of(context);
        if (!Files.isDirectory(dir)) {
            throw BerthException.invalid("unable to prepare context: path \"%s\" not found", context);
        }
        String dockerfile = "Dockerfile";
        String extraName = null;
        byte[] extra = null;
        if ("-".equals(file)) {
            extraName = ".dockerfile."
                    + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
            extra = console().in().readAllBytes();
            dockerfile = extraName;
        } else if (file != null) {
            Path f = Path.of(file).toAbsolutePath().normalize();
            Path root = dir.toAbsolutePath().normalize();
            if (f.startsWith(root)) {
                dockerfile = root.relativize(f).toString();
            } else {
                // outside the context: sent inside it under a name of its own, as the docker CLI does
                extraName = ".dockerfile."
                        + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
                extra = Files.readAllBytes(f);
                dockerfile = extraName;
            }
        }
        request.query("dockerfile", dockerfile);
        InputStream in = tar(new ContextTar(dir, dockerfile, extraName, extra));
        request.body(in, -1, "application/x-tar");
        return in;
    }

    /** The context tar, written by another thread as the request sends it. */
    private static InputStream tar(ContextTar tar) throws IOException {
        PipedInputStream in = new PipedInputStream(1 << 20);
        PipedOutputStream out = new PipedOutputStream(in);
        Thread.ofVirtual().name("build-context").start(() -> {
            try (out) {
                tar.writeTo(out);
            } catch (IOException e) {
                // the request fails with the broken pipe; nothing more to say here
            }
        });
        return in;
    }

    /** A tar (maybe compressed) rather than a plain Dockerfile, by its first bytes. */
    private static boolean looksLikeArchive(InputStream in) throws IOException {
        in.mark(512);
        byte[] head = in.readNBytes(512);
        in.reset();
        if (head.length >= 3
                && ((head[0] == 0x1f && (head[1] & 0xff) == 0x8b)
                        || (head[0] == 'B' && head[1] == 'Z' && head[2] == 'h')
                        || ((head[0] & 0xff) == 0xfd && head[1] == '7'))) {
            return true;
        }
        return head.length == 512 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    }

    /** {@code NAME=VALUE}, or {@code NAME}: its value from the environment, else none (null), as docker does. */
    private Map<String, String> buildArgs() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String arg : buildArgs) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                out.put(arg, console().env().get(arg));
            } else {
                out.put(arg.substring(0, eq), arg.substring(eq + 1));
            }
        }
        return out;
    }

    private static Map<String, String> keyValues(List<String> pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            out.put(eq < 0 ? p : p.substring(0, eq), eq < 0 ? "" : p.substring(eq + 1));
        }
        return out;
    }

    private static String json(Map<String, String> map) throws IOException {
        return map.isEmpty() ? null : CliJson.MAPPER.writeValueAsString(map);
    }

    /** The secrets, read here and sent in the request's header (never in its URL). */
    private String secretsHeader() throws IOException {
        Map<String, String> encoded = new LinkedHashMap<>();
        for (String spec : secrets) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String field : spec.split(",")) {
                int eq = field.indexOf('=');
                if (eq < 0) {
                    throw BerthException.invalid("invalid secret %s: fields are key=value", spec);
                }
                fields.put(field.substring(0, eq), field.substring(eq + 1));
            }
            String id = fields.get("id");
            if (id == null || id.isEmpty()) {
                throw BerthException.invalid("invalid secret %s: no id", spec);
            }
            byte[] value;
            String src = fields.getOrDefault("src", fields.get("source"));
            if (src != null) {
                value = Files.readAllBytes(Path.of(src));
            } else {
                String env = fields.getOrDefault("env", id);
                String v = console().env().get(env);
                if (v == null) {
                    throw BerthException.invalid("secret %s: no file given and no variable %s set", id, env);
                }
                value = v.getBytes(StandardCharsets.UTF_8);
            }
            encoded.put(id, Base64.getEncoder().encodeToString(value));
        }
        return Base64.getUrlEncoder().encodeToString(CliJson.MAPPER.writeValueAsBytes(encoded));
    }
}
