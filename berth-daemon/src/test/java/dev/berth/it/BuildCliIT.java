package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.Blobs;
import dev.berth.testing.Prerequisites;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code berth build}: its flags, contexts from a directory, stdin and a URL, secrets that never
 * reach a layer, plain lines in a pipe and compact live progress in a terminal; and builds that
 * are reproducible with SOURCE_DATE_EPOCH, on one daemon and on another.
 */
class BuildCliIT {
    private static BerthDaemon daemon;

    @BeforeAll
    static void startDaemon() {
        daemon = BerthDaemon.start();
        daemon.bootstrapBusybox();
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private static Path context(Map<String, String> files) {
        return BuildContexts.context(daemon.scratch(), files);
    }

    @Test
    void buildsWithItsFlagsAndPrintsPlainLinesInAPipe() throws Exception {
        Path ctx = context(Map.of(
                "Dockerfile",
                "FROM busybox AS base\nARG NAME\nRUN echo \"hi $NAME\" > /hi\nFROM base AS extra\nRUN exit 1\n",
                "ignored.tmp",
                "x",
                ".dockerignore",
                "*.tmp\n"));
        Path iid = daemon.scratch().resolve("iid");
        String out = daemon.berth(
                        "build",
                        "-t",
                        "cli:1",
                        "-t",
                        "cli:2",
                        "--build-arg",
                        "NAME=berth",
                        "--target",
                        "base",
                        "--label",
                        "team=build",
                        "--iidfile",
                        iid.toString(),
                        ctx.toString())
                .ok();
        assertThat(out)
                .contains("Step 1/", " ---> Running in ", "Successfully tagged cli:1", "Successfully tagged cli:2")
                .doesNotContain("\033[");
        String id = Files.readString(iid);
        assertThat(id).startsWith("sha256:");
        assertThat(daemon.docker("image", "inspect", "--format", "{{.Id}} {{.Config.Labels.team}}", "cli:2")
                        .ok()
                        .strip())
                .isEqualTo(id + " build");
        assertThat(daemon.docker("run", "--rm", "cli:1", "cat", "/hi").ok()).isEqualTo("hi berth\n");

        String quiet = daemon.berth("build", "-q", "--build-arg", "NAME=berth", "--target", "base", ctx.toString())
                .ok();
        assertThat(quiet.strip()).matches("sha256:[0-9a-f]{64}");

        CommandResult failed = daemon.berth("build", ctx.toString());
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.stderr()).contains("The command '/bin/sh -c exit 1' returned a non-zero code: 1");
        assertThat(Files.exists(iid)).isTrue();
    }

    @Test
    void takesTheDockerfileOrTheWholeContextFromStdinAndAContextFromAUrl() throws Exception {
        Path ctx = context(Map.of("data", "from the directory\n"));
        Path dockerfile = daemon.scratch().resolve("df-stdin");
        Files.writeString(dockerfile, "FROM busybox\nCOPY data /data\n");
        daemon.berthWithInput(dockerfile, "build", "-f", "-", "-t", "cli-df-stdin", ctx.toString())
                .ok();
        assertThat(daemon.docker("run", "--rm", "cli-df-stdin", "cat", "/data").ok())
                .isEqualTo("from the directory\n");

        Path tar = BuildContexts.tar(
                daemon.scratch(), Map.of("Dockerfile", "FROM busybox\nCOPY f /f\n", "f", "from a tar\n"));
        daemon.berthWithInput(tar, "build", "-t", "cli-tar-stdin", "-").ok();
        assertThat(daemon.docker("run", "--rm", "cli-tar-stdin", "cat", "/f").ok())
                .isEqualTo("from a tar\n");

        try (BuildContexts.FileServer server = new BuildContexts.FileServer()) {
            String url = server.put("Dockerfile", "FROM busybox\nRUN echo from-url > /u\n");
            daemon.berth("build", "-t", "cli-url", url).ok();
            assertThat(daemon.docker("run", "--rm", "cli-url", "cat", "/u").ok())
                    .isEqualTo("from-url\n");
        }
    }

    @Test
    void secretsAreUsableInRunButAbsentFromEveryLayer() throws Exception {
        String secret = "s3cret-" + System.nanoTime();
        Path secretFile = daemon.scratch().resolve("token");
        Files.writeString(secretFile, secret);
        String sha = Blobs.sha256(secret.getBytes(StandardCharsets.UTF_8)).substring("sha256:".length());
        Path ctx = context(Map.of("Dockerfile", """
                FROM busybox
                RUN --mount=type=secret,id=token sha256sum /run/secrets/token | grep -q %s && echo file-ok
                RUN --mount=type=secret,id=token,env=TOKEN echo -n "$TOKEN" | sha256sum | grep -q %s && echo env-ok > /env-ok
                RUN --mount=type=secret,id=token,target=/root/.token test -s /root/.token
                """.formatted(sha, sha)));
        String out = daemon.berth("build", "--secret", "id=token,src=" + secretFile, "-t", "secrets", ctx.toString())
                .ok();
        assertThat(out).contains("file-ok");

        Path savedTar = daemon.scratch().resolve("secrets.tar");
        daemon.docker("save", "-o", savedTar.toString(), "secrets").ok();
        byte[] saved = Files.readAllBytes(savedTar);
        List<String> names = new ArrayList<>();
        assertThat(contains(new ByteArrayInputStream(saved), secret, names))
                .as("the saved image's files, configs and layers never hold the secret")
                .isFalse();
        assertThat(names).noneMatch(n -> n.contains("run/secrets") || n.contains(".token"));
        // the copy a RUN made deliberately is the user's choice, and is in the image:
        assertThat(daemon.docker("run", "--rm", "secrets", "cat", "/env-ok").ok())
                .isEqualTo("env-ok\n");
    }

    /** Whether {@code needle} is anywhere in a tar, or in the tars (layers) inside it; collects entry names. */
    private static boolean contains(InputStream tar, String needle, List<String> names) throws IOException {
        byte[] wanted = needle.getBytes(StandardCharsets.UTF_8);
        TarArchiveInputStream in = new TarArchiveInputStream(tar);
        for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
            names.add(e.getName());
            if (!e.isFile()) {
                continue;
            }
            byte[] data = in.readAllBytes();
            if (new String(data, StandardCharsets.ISO_8859_1)
                    .contains(new String(wanted, StandardCharsets.ISO_8859_1))) {
                return true;
            }
            if (data.length > 512 && new String(data, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
                if (contains(new ByteArrayInputStream(data), needle, names)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void showsCompactLiveProgressInATerminal() throws Exception {
        Prerequisites.requireProgram("script", "util-linux");
        Path ctx = context(Map.of("Dockerfile", "FROM busybox\nRUN echo line-one && echo line-two\nENV A=1\n"));
        daemon.berth("build", "-t", "tty", ctx.toString()).ok();
        List<String> command = new ArrayList<>(BerthDaemon.javaCommand());
        command.addAll(List.of("-H", daemon.host(), "build", "-t", "tty", ctx.toString()));
        String joined =
                String.join(" ", command.stream().map(c -> "'" + c + "'").toList());
        CommandResult r = Commands.run(List.of("script", "-qec", joined, "/dev/null"), Map.of("COLUMNS", "120"), null);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout())
                .contains("=>\033[0m Step 2/3 : RUN echo line-one && echo line-two  CACHED")
                .contains("Successfully tagged tty:latest");
    }

    @Test
    void sourceDateEpochMakesTheSameImageTwiceAndOnAnotherDaemon() {
        Path ctx = context(Map.of(
                "Dockerfile",
                "FROM busybox\nARG SOURCE_DATE_EPOCH\nRUN mkdir -p /out && touch /out/when && echo same > /out/same\n"
                        + "COPY file /out/file\nENV BUILT=yes\n",
                "file",
                "content\n"));
        String first = daemon.berth(
                        "build", "-q", "--no-cache", "--build-arg", "SOURCE_DATE_EPOCH=1700000000", ctx.toString())
                .ok()
                .strip();
        String second = daemon.berth(
                        "build", "-q", "--no-cache", "--build-arg", "SOURCE_DATE_EPOCH=1700000000", ctx.toString())
                .ok()
                .strip();
        assertThat(second).isEqualTo(first);
        assertThat(daemon.docker("image", "inspect", "--format", "{{.Created}}", first)
                        .ok()
                        .strip())
                .isEqualTo("2023-11-14T22:13:20Z");
        try (BerthDaemon other = BerthDaemon.start()) {
            other.bootstrapBusybox();
            String elsewhere = other.berth("build", "-q", "--build-arg", "SOURCE_DATE_EPOCH=1700000000", ctx.toString())
                    .ok()
                    .strip();
            assertThat(elsewhere).isEqualTo(first);
        }
        // without it, a RUN's files carry the time they were made: another image
        String unclamped =
                daemon.berth("build", "-q", "--no-cache", ctx.toString()).ok().strip();
        assertThat(unclamped).isNotEqualTo(first);
    }
}
