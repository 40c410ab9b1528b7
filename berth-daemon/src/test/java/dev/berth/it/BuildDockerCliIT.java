package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.Blobs;
import dev.berth.testing.Layers;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code docker build} with the real docker CLI (28, no buildx: the classic endpoint whether
 * DOCKER_BUILDKIT is 0 or unset) against a Berth daemon: dockerd's progress lines, every
 * instruction and flag, the cache's hit and miss rules, .dockerignore, heredocs, cache mounts,
 * multi-stage builds, contexts from stdin, failures and bad input, and a context that tries to
 * reach the host.
 */
class BuildDockerCliIT {
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

    /** {@code docker build} with DOCKER_BUILDKIT=0 ("0") or without it ("unset"). */
    private static CommandResult buildWith(String buildkit, Path stdin, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("DOCKER_BUILDKIT", buildkit.equals("unset") ? null : buildkit);
        String[] all = new String[args.length + 1];
        all[0] = "build";
        System.arraycopy(args, 0, all, 1, args.length);
        return daemon.dockerWithEnv(env, stdin, all);
    }

    private static CommandResult build(String... args) {
        return buildWith("0", null, args);
    }

    private static Path context(Map<String, String> files) {
        return BuildContexts.context(daemon.scratch(), files);
    }

    /** A context of path, content, path, content … */
    private static Path context(String... pathsAndContents) {
        Map<String, String> files = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pathsAndContents.length; i += 2) {
            files.put(pathsAndContents[i], pathsAndContents[i + 1]);
        }
        return context(files);
    }

    private static String run(String image, String... command) {
        String[] args = new String[command.length + 3];
        args[0] = "run";
        args[1] = "--rm";
        args[2] = image;
        System.arraycopy(command, 0, args, 3, command.length);
        return daemon.docker(args).ok();
    }

    private static String inspect(String image, String format) {
        return daemon.docker("image", "inspect", "--format", format, image).ok().strip();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "unset"})
    void printsTheStepsAsDockerdsClassicBuilderDoes(String buildkit) {
        Path ctx = context(Map.of("Dockerfile", """
                FROM busybox
                ENV GREETING=hello
                RUN echo "$GREETING out" && echo "$GREETING err" >&2
                COPY a.txt /a.txt
                LABEL built=yes
                """, "a.txt", "A\n"));
        CommandResult r = buildWith(buildkit, null, "--no-cache", "-t", "steps-" + buildkit, ctx.toString());
        String out = r.ok();
        List<String> lines = Arrays.asList(out.split("\n"));
        assertThat(lines)
                .contains(
                        "Step 1/5 : FROM busybox",
                        "Step 2/5 : ENV GREETING=hello",
                        "Step 4/5 : COPY a.txt /a.txt",
                        "Step 5/5 : LABEL built=yes",
                        "Successfully tagged steps-" + buildkit + ":latest");
        assertThat(out).containsPattern("Step 3/5 : RUN .*\n ---> Running in [0-9a-f]{12}\n");
        assertThat(out).containsPattern("Removing intermediate container [0-9a-f]{12}\n ---> [0-9a-f]{12}\n");
        assertThat(out).containsPattern("Successfully built [0-9a-f]{12}\n");
        // stderr of a RUN comes in dockerd's red, beside stdout in whatever order the two came
        assertThat(out).contains("\033[91mhello err\n\033[0m").contains("hello out\n");
        assertThat(run("steps-" + buildkit, "cat", "/a.txt")).isEqualTo("A\n");
        assertThat(daemon.docker("ps", "-aq").ok()).isBlank();
    }

    @Test
    void everyInstructionShapesTheImage() {
        Path ctx = context(Map.of("Dockerfile", """
                # syntax=docker/dockerfile:1
                ARG BASE=busybox
                FROM ${BASE} AS base
                MAINTAINER Jane Doe <jane@example.com>
                ARG VERSION=1.0
                ENV APP_VERSION=${VERSION} \\
                    PATH=/app/bin:$PATH
                LABEL org.example.version="${VERSION}" "spaced key"="spaced value"
                EXPOSE 8080 53/udp
                USER daemon:bin
                WORKDIR /work/dir
                USER root
                VOLUME ["/data"]
                STOPSIGNAL SIGQUIT
                HEALTHCHECK --interval=5s --timeout=2s --retries=4 CMD ["true"]
                SHELL ["/bin/sh", "-ec"]
                RUN echo "shell is $0 and version $VERSION" > /built-with
                ONBUILD RUN echo triggered > /onbuild
                ENTRYPOINT ["/bin/sh", "-c"]
                CMD ["echo", "hi"]
                """));
        build("--build-arg", "VERSION=2.5", "-t", "every", ctx.toString()).ok();
        assertThat(inspect("every", "{{.Author}}")).isEqualTo("Jane Doe <jane@example.com>");
        assertThat(inspect("every", "{{json .Config.Env}}"))
                .contains("\"APP_VERSION=2.5\"")
                .contains("\"PATH=/app/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"");
        assertThat(inspect(
                        "every",
                        "{{index .Config.Labels \"org.example.version\"}}|{{index .Config.Labels \"spaced key\"}}"))
                .isEqualTo("2.5|spaced value");
        assertThat(inspect("every", "{{json .Config.ExposedPorts}}")).isEqualTo("{\"53/udp\":{},\"8080/tcp\":{}}");
        assertThat(inspect(
                        "every",
                        "{{.Config.WorkingDir}} {{.Config.User}} {{json .Config.Volumes}} {{.Config.StopSignal}}"))
                .isEqualTo("/work/dir root {\"/data\":{}} SIGQUIT");
        assertThat(inspect("every", "{{json .Config.Healthcheck}}"))
                .isEqualTo(
                        "{\"Test\":[\"CMD\",\"true\"],\"Interval\":5000000000,\"Timeout\":2000000000,\"Retries\":4}");
        assertThat(inspect("every", "{{json .Config.Shell}} {{json .Config.OnBuild}}"))
                .isEqualTo("[\"/bin/sh\",\"-ec\"] [\"RUN echo triggered > /onbuild\"]");
        assertThat(inspect("every", "{{json .Config.Entrypoint}} {{json .Config.Cmd}}"))
                .isEqualTo("[\"/bin/sh\",\"-c\"] [\"echo\",\"hi\"]");
        assertThat(daemon.docker("run", "--rm", "--entrypoint", "cat", "every", "/built-with")
                        .ok())
                .isEqualTo("shell is /bin/sh and version 2.5\n");
        // WORKDIR made the directory, owned by the USER of that moment
        assertThat(daemon.docker("run", "--rm", "--entrypoint", "stat", "every", "-c", "%U:%G %a", "/work/dir")
                        .ok()
                        .strip())
                .isEqualTo("daemon:bin 755");

        Path child = context(Map.of("Dockerfile", "FROM every\nRUN test -f /onbuild\n"));
        String out = build("-t", "every-child", child.toString()).ok();
        assertThat(out).contains("# Executing 1 build trigger");
        assertThat(inspect("every-child", "{{json .Config.OnBuild}}")).isEqualTo("null");
    }

    @Test
    void copyAndAddTakeEveryFlag() throws Exception {
        Path ctx = context(
                "Dockerfile",
                """
                FROM busybox
                COPY --chown=daemon:bin --chmod=750 tool.sh /opt/
                COPY --chmod=u=rwX,go=rX dir/ /dir/
                COPY *.txt /texts/
                COPY --exclude=*.md docs /docs/
                COPY --parents ./src/**/*.go /tree/
                COPY --link data.bin /linked/
                ADD archive.tar.gz /unpacked/
                ADD --unpack=false archive.tar.gz /kept/
                COPY arr[[]0].txt /escaped
                """,
                "tool.sh",
                "#!/bin/sh\necho tool\n",
                "dir/a",
                "a",
                "dir/sub/b",
                "b",
                "one.txt",
                "1",
                "two.txt",
                "2",
                "docs/readme.md",
                "md",
                "docs/guide.txt",
                "guide",
                "src/main.go",
                "package main",
                "src/pkg/x/lib.go",
                "package x",
                "data.bin",
                "data");
        Files.writeString(ctx.resolve("arr[0].txt"), "escaped");
        Files.write(
                ctx.resolve("archive.tar.gz"),
                Blobs.gzip(Layers.of("inside/file.txt", "unpacked\n".getBytes(StandardCharsets.UTF_8))));
        build("-t", "copies", ctx.toString()).ok();
        String listing = run(
                "copies",
                "sh",
                "-c",
                "stat -c '%n %U:%G %a' /opt/tool.sh /dir/a /dir/sub; ls /texts /docs /tree/src /tree/src/pkg/x /linked; "
                        + "cat /unpacked/inside/file.txt; ls /kept; cat /escaped");
        assertThat(listing)
                .contains("/opt/tool.sh daemon:bin 750")
                .contains("/dir/a root:root 644")
                .contains("/dir/sub root:root 755")
                .contains("one.txt\ntwo.txt")
                .contains("guide.txt")
                .doesNotContain("readme.md")
                .contains("main.go")
                .contains("lib.go")
                .contains("data.bin")
                .contains("unpacked\n")
                .contains("archive.tar.gz")
                .endsWith("escaped");
    }

    @Test
    void runMountsNetworksPlatformsAndTheEscapeDirective() throws Exception {
        Path ctx = context(Map.of("Dockerfile", """
                # escape=`
                FROM --platform=linux/amd64 busybox AS tools
                RUN echo tool > /tool
                FROM busybox
                ARG TARGETPLATFORM
                RUN echo "$TARGETPLATFORM" > /platform
                RUN --mount=type=bind,source=ctxfile,target=/mnt/ctx cat /mnt/ctx > /from-ctx
                RUN --mount=type=bind,from=tools,source=/tool,target=/mnt/tool cat /mnt/tool > /from-stage
                RUN --mount=type=bind,target=/mnt/rw,rw echo changed > /mnt/rw/ctxfile
                RUN --network=none ip -o link | wc -l > /links-none
                RUN --network=host ip -o link | wc -l > /links-host
                RUN --network=default ip -o link | wc -l > /links-default
                COPY --from=busybox /bin/busybox /from-image/
                ADD one.tar.bz2 two.tar.xz /archives/
                RUN echo a `
                    b > /escaped
                """, "ctxfile", "from the context\n"));
        Files.write(ctx.resolve("one.tar.bz2"), compress("bzip2", Layers.of("one", "bz2\n".getBytes())));
        Files.write(ctx.resolve("two.tar.xz"), compress("xz", Layers.of("two", "xz\n".getBytes())));
        build("-t", "mounts", ctx.toString()).ok();
        assertThat(run("mounts", "cat", "/platform", "/from-ctx", "/from-stage", "/archives/one", "/archives/two"))
                .isEqualTo("linux/amd64\nfrom the context\ntool\nbz2\nxz\n");
        assertThat(Files.readString(ctx.resolve("ctxfile")))
                .as("a rw bind mount writes to a copy, never to the context")
                .isEqualTo("from the context\n");
        assertThat(run("mounts", "sh", "-c", "test -e /mnt && echo /mnt is left || echo clean"))
                .as("mount targets (and the directories made for them) stay out of the image")
                .isEqualTo("clean\n");
        assertThat(run("mounts", "cat", "/links-none").strip()).as("lo only").isEqualTo("1");
        long hostLinks;
        try (var links = Files.list(Path.of("/sys/class/net"))) {
            hostLinks = links.count();
        }
        assertThat(run("mounts", "cat", "/links-host").strip()).isEqualTo(Long.toString(hostLinks));
        assertThat(run("mounts", "cat", "/links-default"))
                .as("a RUN step gets the network a container gets by default")
                .isEqualTo(run("busybox", "sh", "-c", "ip -o link | wc -l"));
        assertThat(run("mounts", "sh", "-c", "cmp /bin/busybox /from-image/busybox && cat /escaped"))
                .isEqualTo("a b\n");
    }

    @Test
    void addHostGivesTheRunStepsTheirHostsEntries() {
        Path ctx = context(Map.of("Dockerfile", """
                FROM busybox
                RUN grep -E 'buildhost|gateway' /etc/hosts > /seen
                """));
        build(
                        "-t",
                        "added-hosts",
                        "--add-host",
                        "buildhost:10.1.2.3",
                        "--add-host",
                        "gateway:host-gateway",
                        ctx.toString())
                .ok();
        assertThat(run("added-hosts", "cat", "/seen"))
                .matches("10\\.1\\.2\\.3\\s+buildhost\n\\d+\\.\\d+\\.\\d+\\.\\d+\\s+gateway\n");
        assertThat(run("added-hosts", "sh", "-c", "grep -c buildhost /etc/hosts || true")
                        .strip())
                .as("the entries are the steps', not the image's")
                .isEqualTo("0");
    }

    private static byte[] compress(String format, byte[] data) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new CompressorStreamFactory().createCompressorOutputStream(format, bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    @Test
    void addDownloadsUrlsAndChecksTheirDigest() {
        try (BuildContexts.FileServer server = new BuildContexts.FileServer()) {
            String url = server.put("payload.txt", "from the server\n");
            String digest = Blobs.sha256("from the server\n".getBytes(StandardCharsets.UTF_8));
            Path ok = context(
                    Map.of("Dockerfile", "FROM busybox\nADD --checksum=" + digest + " " + url + " /downloads/\n"));
            build("-t", "download", ok.toString()).ok();
            assertThat(run("download", "sh", "-c", "cat /downloads/payload.txt; stat -c %a /downloads/payload.txt"))
                    .isEqualTo("from the server\n600\n");
            Path wrong = context(Map.of(
                    "Dockerfile", "FROM busybox\nADD --checksum=sha256:" + "0".repeat(64) + " " + url + " /x\n"));
            CommandResult r = build(wrong.toString());
            assertThat(r.exitCode()).isNotZero();
            assertThat(r.stderr()).contains("digest mismatch");
        }
    }

    @Test
    void theCacheKeysOnContentNeverOnMtimes() throws Exception {
        Path ctx = context(Map.of("Dockerfile", """
                FROM busybox
                ARG FLAVOUR
                RUN echo step-one
                COPY data.txt /data.txt
                RUN echo "flavour $FLAVOUR" | tee /flavour
                """, "data.txt", "v1"));
        String first = build("-t", "cached", ctx.toString()).ok();
        assertThat(first).doesNotContain("Using cache");
        String second = build("-t", "cached", ctx.toString()).ok();
        assertThat(second.split(" ---> Using cache", -1)).hasSize(5); // ARG, RUN, COPY, RUN
        Files.setLastModifiedTime(ctx.resolve("data.txt"), FileTime.fromMillis(1_000_000));
        assertThat(build("-t", "cached", ctx.toString()).ok().split(" ---> Using cache", -1))
                .as("a new mtime alone is no change")
                .hasSize(5);
        Files.writeString(ctx.resolve("data.txt"), "v2");
        String changed = build("-t", "cached", ctx.toString()).ok();
        assertThat(changed.split(" ---> Using cache", -1))
                .as("ARG and the first RUN hit, COPY misses")
                .hasSize(3);
        assertThat(changed).containsPattern("COPY data.txt /data.txt\n ---> [0-9a-f]{12}");
        String withArg = build("--build-arg", "FLAVOUR=mint", "-t", "cached-mint", ctx.toString())
                .ok();
        assertThat(withArg)
                .as("an ARG's new value misses where it is used, not where it is declared")
                .containsPattern("ARG FLAVOUR\n ---> Using cache")
                .contains("flavour mint");
        List<String> plain =
                List.of(inspect("cached", "{{join .RootFS.Layers \" \"}}").split(" "));
        List<String> mint =
                List.of(inspect("cached-mint", "{{join .RootFS.Layers \" \"}}").split(" "));
        assertThat(mint)
                .as("two builds that differ in their last step share every layer below it")
                .hasSameSizeAs(plain)
                .startsWith(plain.subList(0, plain.size() - 1).toArray(String[]::new))
                .doesNotContain(plain.getLast());
        assertThat(build("--no-cache", "-t", "cached", ctx.toString()).ok()).doesNotContain("Using cache");
    }

    @Test
    void cacheFromFindsTheStepsOfAnImageThatCameFromElsewhere() throws Exception {
        Path ctx = context(Map.of(
                "Dockerfile",
                "FROM busybox\nRUN echo expensive > /e\nCOPY f /f\nRUN echo last > /l\n",
                "f",
                "content"));
        build("-t", "cachefrom-src", ctx.toString()).ok();
        Path saved = daemon.scratch().resolve("cachefrom.tar");
        daemon.docker("save", "-o", saved.toString(), "cachefrom-src").ok();
        // forget every local trace of the build: only the saved image (as if pulled) remains
        daemon.docker("rmi", "cachefrom-src").ok();
        daemon.docker("builder", "prune", "-af").ok();
        daemon.docker("load", "-i", saved.toString()).ok();
        assertThat(build(ctx.toString()).ok()).as("no local cache").doesNotContain("Using cache");
        daemon.docker("image", "prune", "-f").ok();
        daemon.docker("builder", "prune", "-af").ok();
        String out = build("--cache-from", "cachefrom-src", "-t", "cachefrom-dst", ctx.toString())
                .ok();
        assertThat(out.split(" ---> Using cache", -1)).as("all three steps").hasSize(4);
        assertThat(inspect("cachefrom-dst", "{{json .RootFS.Layers}}"))
                .isEqualTo(inspect("cachefrom-src", "{{json .RootFS.Layers}}"));
    }

    @Test
    void dockerignoreAndTheDockerfilesOwnIgnoreFile() {
        Path ctx = context(
                "Dockerfile",
                "FROM busybox\nCOPY . /ctx/\n",
                ".dockerignore",
                "# comment\n**/*.log\nbuild\n!build/keep.txt\n",
                "app.log",
                "x",
                "sub/deep/trace.log",
                "x",
                "build/out.o",
                "x",
                "build/keep.txt",
                "kept",
                "src/main.c",
                "int main;",
                "other/app.Dockerfile",
                "FROM busybox\nCOPY . /ctx/\n",
                "other/app.Dockerfile.dockerignore",
                "src\n");
        build("-t", "ignored", ctx.toString()).ok();
        assertThat(run("ignored", "find", "/ctx", "-type", "f"))
                .contains("/ctx/build/keep.txt", "/ctx/src/main.c")
                .doesNotContain("app.log", "trace.log", "out.o");
        build("-f", ctx.resolve("other/app.Dockerfile").toString(), "-t", "ignored-own", ctx.toString())
                .ok();
        assertThat(run("ignored-own", "find", "/ctx", "-type", "f"))
                .as("other/app.Dockerfile.dockerignore applies instead of .dockerignore")
                .doesNotContain("/ctx/src/main.c")
                .contains("/ctx/build/keep.txt");
    }

    @Test
    void heredocsRunAndWriteFiles() {
        Path ctx = context(Map.of("Dockerfile", """
                # syntax=docker/dockerfile:1
                FROM busybox
                ARG WHO=world
                RUN <<EOF
                mkdir -p /out
                echo "hello $WHO" > /out/greeting
                EOF
                RUN <<ONE cat > /out/one && <<-"TWO" cat > /out/two
                first $WHO
                ONE
                	second $WHO
                	TWO
                COPY <<EOF /out/copied
                copied ${WHO}
                EOF
                RUN <<EOF
                #!/bin/sh
                echo "script $0" > /out/script
                EOF
                """));
        build("-t", "heredocs", ctx.toString()).ok();
        assertThat(run("heredocs", "sh", "-c", "cat /out/greeting /out/one /out/two /out/copied /out/script"))
                .isEqualTo("hello world\nfirst world\nsecond $WHO\ncopied world\nscript /dev/pipes/EOF\n");
    }

    @Test
    void cacheMountsSurviveBetweenBuildsAndStayOutOfTheImage() {
        Path ctx = context(Map.of("Dockerfile", """
                FROM busybox
                RUN --mount=type=cache,target=/var/cache/app,id=app-cache \\
                    echo run >> /var/cache/app/runs && wc -l < /var/cache/app/runs > /runs
                RUN --mount=type=tmpfs,target=/tmp/scratch,size=1m touch /tmp/scratch/x
                """));
        build("--no-cache", "-t", "cachemount", ctx.toString()).ok();
        build("--no-cache", "-t", "cachemount", ctx.toString()).ok();
        assertThat(run("cachemount", "cat", "/runs").strip()).isEqualTo("2");
        assertThat(run("cachemount", "sh", "-c", "ls -d /var/cache/app /tmp/scratch 2>&1 || true"))
                .contains("No such file or directory");
    }

    @Test
    void multiStageBuildsOnlyTheStagesTheTargetNeeds() {
        Path ctx = context(Map.of("Dockerfile", """
                FROM busybox AS compile
                RUN echo compiled > /artifact
                FROM busybox AS broken
                RUN exit 1
                FROM busybox AS docs
                RUN echo docs > /docs
                FROM busybox AS final
                COPY --from=compile /artifact /app/artifact
                COPY --from=2 /docs /app/docs
                FROM final AS tested
                RUN test -f /app/artifact
                """));
        String out = build("-t", "staged", ctx.toString()).ok();
        assertThat(out).doesNotContain("exit 1").contains("Step 1/");
        assertThat(run("staged", "cat", "/app/artifact", "/app/docs")).isEqualTo("compiled\ndocs\n");
        build("--target", "compile", "-t", "staged-compile", ctx.toString()).ok();
        assertThat(run("staged-compile", "cat", "/artifact")).isEqualTo("compiled\n");
        CommandResult missing = build("--target", "nosuch", ctx.toString());
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("failed to reach build target nosuch in Dockerfile");
    }

    @Test
    void contextsAndDockerfilesFromStdin() throws Exception {
        Path ctx = context(Map.of("file.txt", "from the context\n"));
        Path dockerfile = daemon.scratch().resolve("stdin.Dockerfile");
        Files.writeString(dockerfile, "FROM busybox\nCOPY file.txt /\n");
        buildWith("0", dockerfile, "-f", "-", "-t", "stdin-df", ctx.toString()).ok();
        assertThat(run("stdin-df", "cat", "/file.txt")).isEqualTo("from the context\n");

        Path onlyDockerfile = daemon.scratch().resolve("only.Dockerfile");
        Files.writeString(onlyDockerfile, "FROM busybox\nRUN echo no-context > /x\n");
        buildWith("0", onlyDockerfile, "-t", "stdin-only", "-").ok();
        assertThat(run("stdin-only", "cat", "/x")).isEqualTo("no-context\n");

        Path tarCtx = context(Map.of("Dockerfile", "FROM busybox\nCOPY f /f\n", "f", "tarred\n"));
        Path tar = daemon.scratch().resolve("ctx.tar.gz");
        new ProcessBuilder("tar", "-czf", tar.toString(), "-C", tarCtx.toString(), ".")
                .inheritIO()
                .start()
                .waitFor();
        buildWith("0", tar, "-t", "stdin-tar", "-").ok();
        assertThat(run("stdin-tar", "cat", "/f")).isEqualTo("tarred\n");
    }

    @Test
    void aFailingStepReportsItsCommandAndExitCodeAndLeavesNothing() {
        Path ctx = context(Map.of("Dockerfile", "FROM busybox\nRUN echo partial > /p && exit 7\n"));
        CommandResult r = build(ctx.toString());
        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.stderr())
                .contains("The command '/bin/sh -c echo partial > /p && exit 7' returned a non-zero code: 7");
        assertThat(daemon.docker("ps", "-aq").ok()).isBlank();
        assertThat(daemon.dataRoot().resolve("builds/work")).isEmptyDirectory();
    }

    @Test
    void badInputGetsDockersErrors() {
        assertThat(build(context(Map.of("Dockerfile", "FROM busybox\nFOOO bar\n"))
                                .toString())
                        .stderr())
                .contains("dockerfile parse error line 2: unknown instruction: FOOO");
        assertThat(build(context(Map.of("Dockerfile", "FROM busybox\nCOPY --foo=1 a b\n"))
                                .toString())
                        .stderr())
                .contains("dockerfile parse error line 2: Unknown flag: foo");
        assertThat(build(context(Map.of("Dockerfile", "FROM busybox\nCOPY missing /x\n"))
                                .toString())
                        .stderr())
                .contains("COPY failed: file not found in build context or excluded by .dockerignore: stat missing");
        assertThat(build(context(Map.of("Dockerfile", "")).toString()).stderr()).contains("cannot be empty");
        assertThat(daemon.docker("ps", "-aq").ok()).isBlank();
    }

    @Test
    void theContextNeverReachesTheHost() throws Exception {
        Path outer = daemon.scratch().resolve("outer");
        Path ctx = Files.createDirectories(outer.resolve("ctx"));
        Files.writeString(outer.resolve("x"), "outside the context\n");
        Files.writeString(ctx.resolve("x"), "inside the context\n");
        Files.createSymbolicLink(ctx.resolve("shadow"), Path.of("/etc/shadow"));
        Files.writeString(ctx.resolve("Dockerfile"), "FROM busybox\nCOPY ../x /x\nCOPY . /ctx/\n");
        build("-t", "scoped", ctx.toString()).ok();
        assertThat(run("scoped", "cat", "/x")).isEqualTo("inside the context\n");
        assertThat(run("scoped", "readlink", "/ctx/shadow").strip()).isEqualTo("/etc/shadow");
        assertThat(run("scoped", "sh", "-c", "cat /ctx/shadow 2>&1 || true")).contains("No such file");

        Files.writeString(ctx.resolve("Dockerfile"), "FROM busybox\nCOPY shadow /copied\n");
        CommandResult r = build(ctx.toString());
        String hostShadow = Files.readString(Path.of("/etc/shadow"));
        assertThat(r.exitCode())
                .as("the link names the context's etc/shadow, which is not there")
                .isNotZero();
        assertThat(r.stdout() + r.stderr())
                .doesNotContain(hostShadow.lines().findFirst().orElse("root:"));
    }

    @Test
    void buildCacheShowsInSystemDfAndBuilderPruneFreesIt() {
        Path ctx = context(Map.of("Dockerfile", "FROM busybox\nRUN echo prunable > /p\n"));
        build(ctx.toString()).ok(); // untagged: its steps hold nothing
        String df = daemon.docker("system", "df").ok();
        assertThat(df).containsPattern("Build Cache\\s+[1-9]");
        String pruned = daemon.docker("builder", "prune", "-af").ok();
        assertThat(pruned).contains("Total reclaimed space:");
        assertThat(build(ctx.toString()).ok()).doesNotContain("Using cache");
    }
}
