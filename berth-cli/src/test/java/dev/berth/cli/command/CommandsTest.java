package dev.berth.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cli.Main;
import dev.berth.cli.client.FakeDaemon;
import dev.berth.cli.client.FakeDaemon.Request;
import dev.berth.cli.client.FakeDaemon.Response;
import dev.berth.cli.output.Console;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user runs them, against a fake daemon on a Unix socket. */
class CommandsTest {
    private static final String ID = "sha256:b0145a7ee55073c7bec2d019a4aeaaac6aee249eee40cf26869ec16301c9812d";
    private static final String DANGLING = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private FakeDaemon daemon;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private byte[] stdin = new byte[0];
    private boolean stdinTerminal;
    private boolean stdoutTerminal;

    private static java.util.TimeZone zone;

    /** Times print in the local zone, as docker's do; tests pin it. */
    @org.junit.jupiter.api.BeforeAll
    static void utc() {
        zone = java.util.TimeZone.getDefault();
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("UTC"));
    }

    @org.junit.jupiter.api.AfterAll
    static void restoreZone() {
        java.util.TimeZone.setDefault(zone);
    }

    @AfterEach
    void stop() throws IOException {
        if (daemon != null) {
            daemon.close();
        }
    }

    private void daemon(Function<Request, Response> handler) throws IOException {
        daemon = new FakeDaemon(dir.resolve("berth.sock"), handler);
    }

    private int berth(String... args) {
        return berthWithEnv(
                Map.of("DOCKER_HOST", daemon == null ? "unix://" + dir.resolve("none.sock") : daemon.uri()), args);
    }

    private int berthWithEnv(Map<String, String> env, String... args) {
        PrintStream stdout = new PrintStream(out, false, StandardCharsets.UTF_8);
        Console console = new Console(
                new ByteArrayInputStream(stdin),
                stdout,
                out,
                new PrintStream(err, true, StandardCharsets.UTF_8),
                env,
                stdinTerminal,
                stdoutTerminal,
                0);
        int code = Main.run(console, args);
        stdout.flush();
        return code;
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static String query(Request request) {
        return URLDecoder.decode(request.query(), StandardCharsets.UTF_8);
    }

    private static String images() {
        long created = Instant.now().minusSeconds(120).getEpochSecond();
        return """
                [{"Id":"%s","ParentId":"","RepoTags":["busybox:latest","docker.io/foo/bar:v1"],"RepoDigests":[],
                  "Created":%d,"Size":1982263,"SharedSize":-1,"Labels":null,"Containers":-1},
                 {"Id":"%s","ParentId":"","RepoTags":[],"RepoDigests":[],"Created":%d,"Size":512,"SharedSize":-1,"Containers":-1}]
                """.formatted(ID, created, DANGLING, created);
    }

    @Test
    void imagesPrintsDockersTableWithOneRowPerTagAndNoneForDangling() throws IOException {
        daemon(r -> Response.json(200, images()));
        assertThat(berth("images")).isZero();
        assertThat(out()).isEqualTo("""
                REPOSITORY   TAG       IMAGE ID       CREATED         SIZE
                busybox      latest    b0145a7ee550   2 minutes ago   1.98MB
                foo/bar      v1        b0145a7ee550   2 minutes ago   1.98MB
                <none>       <none>    0123456789ab   2 minutes ago   512B
                """);
        assertThat(daemon.requests().getFirst().path()).isEqualTo("/images/json");
    }

    @Test
    void psPrintsDockersColumnsWithLongCommandsCutAndNamesWithoutTheSlash() throws IOException {
        long created = Instant.now().minusSeconds(120).getEpochSecond();
        String c1 = "4b19746151e5" + "0".repeat(52);
        String c2 = "7542b7598b06" + "1".repeat(52);
        daemon(r -> Response.json(200, """
                [{"Id":"%s","Names":["/zealous_noether"],"Image":"busybox","Command":"sleep 1d","Created":%d,
                  "Status":"Up 2 minutes"},
                 {"Id":"%s","Names":["/web"],"Image":"nginx:1.27","Command":"/docker-entrypoint.sh nginx -g 'daemon off;'",
                  "Created":%d,"Status":"Exited (0) 1 second ago"}]
                """.formatted(c1, created, c2, created)));
        assertThat(berth("ps", "-a")).isZero();
        assertThat(out()).isEqualTo("""
                CONTAINER ID   IMAGE        COMMAND                  CREATED         STATUS                    NAMES
                4b19746151e5   busybox      "sleep 1d"               2 minutes ago   Up 2 minutes              zealous_noether
                7542b7598b06   nginx:1.27   "/docker-entrypoint.…"   2 minutes ago   Exited (0) 1 second ago   web
                """);
        assertThat(query(daemon.requests().getLast())).isEqualTo("all=1");
        out.reset();
        assertThat(berth("container", "ls", "-q", "--no-trunc")).isZero();
        assertThat(out()).isEqualTo(c1 + "\n" + c2 + "\n");
    }

    @Test
    void imagesQuietFormatAndFiltersAsDockerSendsThem() throws IOException {
        daemon(r -> Response.json(200, images()));
        assertThat(berth("image", "ls", "-q", "--no-trunc")).isZero();
        assertThat(out()).isEqualTo(ID + "\n" + ID + "\n" + DANGLING + "\n");
        out.reset();
        assertThat(berth("images", "-a", "--format", "{{.Repository}}:{{.Tag}}", "-f", "dangling=false", "busybox"))
                .isZero();
        assertThat(out()).isEqualTo("busybox:latest\nfoo/bar:v1\n<none>:<none>\n");
        Request list = daemon.requests().getLast();
        assertThat(query(list))
                .isEqualTo("all=1&filters={\"dangling\":{\"false\":true},\"reference\":{\"busybox\":true}}");
    }

    @Test
    void rmiPrintsUntaggedAndDeletedAndGoesOnPastFailures() throws IOException {
        daemon(r -> r.path().equals("/images/busybox")
                ? Response.json(200, "[{\"Untagged\":\"busybox:latest\"},{\"Deleted\":\"" + ID + "\"}]")
                : Response.json(404, "{\"message\":\"No such image: nope:latest\"}"));
        assertThat(berth("rmi", "nope", "busybox")).isEqualTo(1);
        assertThat(out()).isEqualTo("Untagged: busybox:latest\nDeleted: " + ID + "\n");
        assertThat(err()).isEqualTo("Error response from daemon: No such image: nope:latest\n");
        out.reset();
        err.reset();
        assertThat(berth("image", "rm", "-f", "nope"))
                .as("--force forgives images that are not there")
                .isZero();
        assertThat(query(daemon.requests().getLast())).isEqualTo("force=1");
    }

    @Test
    void aConflictFailsRmiEvenWithForce() throws IOException {
        daemon(r -> Response.json(409, "{\"message\":\"conflict: unable to delete b0145a7ee550 (must be forced)\"}"));
        assertThat(berth("rmi", "-f", "busybox")).isEqualTo(1);
        assertThat(err()).contains("Error response from daemon: conflict: unable to delete");
    }

    @Test
    void tagSendsRepositoryAndTagSeparately() throws IOException {
        daemon(r -> new Response(201, "text/plain", java.util.List.of(new byte[0])));
        assertThat(berth("tag", "busybox", "localhost:5000/team/app")).isZero();
        assertThat(berth("image", "tag", "busybox", "app:v2")).isZero();
        assertThat(daemon.requests())
                .extracting(r -> r.path() + "?" + query(r))
                .containsExactly(
                        "/images/busybox/tag?repo=localhost:5000/team/app&tag=latest",
                        "/images/busybox/tag?repo=app&tag=v2");
        assertThat(berth("tag", "busybox", "app@sha256:" + "a".repeat(64))).isEqualTo(1);
        assertThat(err()).contains("refusing to create a tag with a digest reference");
    }

    @Test
    void inspectPrintsAJsonArrayAndReportsMissingImagesAfterwards() throws IOException {
        daemon(r -> r.path().equals("/images/busybox/json")
                ? Response.json(
                        200,
                        "{\"Id\":\"" + ID
                                + "\",\"RepoTags\":[\"busybox:latest\"],\"Config\":{\"Cmd\":[\"sh\"],\"Env\":[],\"Labels\":{}}}")
                : Response.json(404, "{\"message\":\"No such image: nope:latest\"}"));
        assertThat(berth("inspect", "busybox", "nope")).isEqualTo(1);
        assertThat(out()).isEqualTo("""
                [
                    {
                        "Id": "%s",
                        "RepoTags": [
                            "busybox:latest"
                        ],
                        "Config": {
                            "Cmd": [
                                "sh"
                            ],
                            "Env": [],
                            "Labels": {}
                        }
                    }
                ]
                """.formatted(ID));
        assertThat(err()).isEqualTo("Error response from daemon: No such image: nope:latest\n");
        out.reset();
        assertThat(berth("image", "inspect", "-f", "{{.Id}} {{json .Config.Cmd}} {{index .RepoTags 0}}", "busybox"))
                .isZero();
        assertThat(out()).isEqualTo(ID + " [\"sh\"] busybox:latest\n");
    }

    @Test
    void loadStreamsTheFileAndShowsTheDaemonsMessages() throws IOException {
        daemon(r -> Response.stream("application/json", "{\"stream\":\"Loaded image: busybox:latest\\n\"}\n"));
        Path tar = dir.resolve("image.tar");
        byte[] content = "pretend this is a tar".repeat(1000).getBytes(StandardCharsets.UTF_8);
        Files.write(tar, content);
        assertThat(berth("load", "-i", tar.toString())).isZero();
        assertThat(out()).isEqualTo("Loaded image: busybox:latest\n");
        Request load = daemon.requests().getLast();
        assertThat(load.method()).isEqualTo("POST");
        assertThat(load.path()).isEqualTo("/images/load");
        assertThat(query(load))
                .as("off a terminal docker asks for quiet output")
                .isEqualTo("quiet=1");
        assertThat(load.headers()).containsEntry("content-type", "application/x-tar");
        assertThat(load.body()).isEqualTo(content);

        stdin = "from stdin".getBytes(StandardCharsets.UTF_8);
        assertThat(berth("image", "load")).isZero();
        assertThat(daemon.requests().getLast().chunked()).isTrue();
        assertThat(daemon.requests().getLast().bodyText()).isEqualTo("from stdin");
    }

    @Test
    void loadFailsWithTheErrorInTheStream() throws IOException {
        daemon(r -> Response.stream(
                "application/json",
                "{\"status\":\"Loading layer\",\"id\":\"abc\",\"progressDetail\":{\"current\":1,\"total\":2}}\n",
                "{\"errorDetail\":{\"message\":\"unexpected EOF\"},\"error\":\"unexpected EOF\"}\n"));
        stdin = "x".getBytes(StandardCharsets.UTF_8);
        assertThat(berth("load")).isEqualTo(1);
        assertThat(err()).isEqualTo("unexpected EOF\n");
    }

    @Test
    void loadRefusesATerminalOnStdinAndSaveRefusesATerminalOnStdout() throws IOException {
        daemon(r -> Response.json(500, "{\"message\":\"should not be called\"}"));
        stdinTerminal = true;
        assertThat(berth("load")).isEqualTo(1);
        assertThat(err()).isEqualTo("requested load from stdin, but stdin is empty\n");
        err.reset();
        stdoutTerminal = true;
        assertThat(berth("save", "busybox")).isEqualTo(1);
        assertThat(err()).isEqualTo("cowardly refusing to save to a terminal. Use the -o flag or redirect\n");
        assertThat(daemon.requests()).isEmpty();
    }

    @Test
    void saveWritesTheTarToStdoutOrToAFile() throws IOException {
        daemon(r -> Response.stream("application/x-tar", "tar part 1,", "tar part 2"));
        assertThat(berth("save", "busybox", "foo/bar:v1")).isZero();
        assertThat(out()).isEqualTo("tar part 1,tar part 2");
        assertThat(query(daemon.requests().getLast())).isEqualTo("names=busybox&names=foo/bar:v1");
        Path file = dir.resolve("out.tar");
        assertThat(berth("image", "save", "-o", file.toString(), "busybox")).isZero();
        assertThat(Files.readString(file)).isEqualTo("tar part 1,tar part 2");
        assertThat(Files.getPosixFilePermissions(file))
                .extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    }

    @Test
    void aFailedSaveLeavesNoFile() throws IOException {
        daemon(r -> Response.json(404, "{\"message\":\"No such image: nope:latest\"}"));
        Path file = dir.resolve("out.tar");
        assertThat(berth("save", "-o", file.toString(), "nope")).isEqualTo(1);
        assertThat(err()).isEqualTo("Error response from daemon: No such image: nope:latest\n");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("berth.sock");
        }
    }

    @Test
    void importSendsTheTarWithChangesMessageAndReference() throws IOException {
        daemon(r -> Response.stream("application/json", "{\"status\":\"" + ID + "\"}\n"));
        Path tar = dir.resolve("rootfs.tar");
        Files.writeString(tar, "rootfs");
        assertThat(berth(
                        "import",
                        "-c",
                        "CMD [\"sh\"]",
                        "--change",
                        "ENV A=b",
                        "-m",
                        "bootstrap",
                        tar.toString(),
                        "busybox:1"))
                .isZero();
        assertThat(out()).isEqualTo(ID + "\n");
        Request request = daemon.requests().getLast();
        assertThat(request.path()).isEqualTo("/images/create");
        assertThat(query(request))
                .isEqualTo("fromSrc=-&repo=busybox&tag=1&message=bootstrap&changes=CMD [\"sh\"]&changes=ENV A=b");
        assertThat(request.bodyText()).isEqualTo("rootfs");
    }

    @Test
    void historyTruncatesCreatedByAndShowsMissingIds() throws IOException {
        long created = Instant.now().minusSeconds(3 * 3600).getEpochSecond();
        daemon(r -> Response.json(200, """
                [{"Id":"%s","Created":%d,"CreatedBy":"/bin/sh -c #(nop)  CMD [\\"sh\\"]","Tags":["busybox:latest"],"Size":0,"Comment":""},
                 {"Id":"<missing>","Created":%d,"CreatedBy":"/bin/sh -c #(nop) ADD file:0123456789abcdef0123456789abcdef in / ","Tags":null,"Size":4261550,"Comment":"imported"}]
                """.formatted(ID, created, created)));
        assertThat(berth("history", "busybox")).isZero();
        assertThat(out()).isEqualTo("""
                IMAGE          CREATED       CREATED BY                                      SIZE      COMMENT
                b0145a7ee550   3 hours ago   /bin/sh -c #(nop)  CMD ["sh"]                   0B       \s
                <missing>      3 hours ago   /bin/sh -c #(nop) ADD file:0123456789abcdef0…   4.26MB    imported
                """);
        out.reset();
        assertThat(berth("image", "history", "-q", "busybox")).isZero();
        assertThat(out()).isEqualTo("b0145a7ee550\n<missing>\n");
        out.reset();
        assertThat(berth("history", "-H=false", "--format", "{{.Size}}", "busybox"))
                .isZero();
        assertThat(out()).isEqualTo("0\n4261550\n");
    }

    @Test
    void historyOfAReproducibleImageSaysNotAvailableForItsDate() throws IOException {
        daemon(r -> Response.json(200, """
                [{"Id":"%s","Created":946684800,"CreatedBy":"CMD [\\"sh\\"]","Size":0,"Comment":""}]""".formatted(ID)));
        assertThat(berth("history", "--format", "{{.CreatedSince}} {{.CreatedAt}} {{.CreatedBy}}", "busybox"))
                .isZero();
        assertThat(out()).isEqualTo("N/A 2000-01-01T00:00:00Z CMD [\"sh\"]\n");
    }

    @Test
    void eventsPrintOneLinePerEventAndPassSinceAsATimestamp() throws IOException {
        daemon(r -> Response.stream(
                "application/json",
                "{\"Type\":\"image\",\"Action\":\"tag\",\"Actor\":{\"ID\":\"" + ID
                        + "\",\"Attributes\":{\"name\":\"busybox:latest\"}},"
                        + "\"scope\":\"local\",\"time\":1795796838,\"timeNano\":1795796838661057313}\n"));
        assertThat(berth("events", "--since", "1795796000", "--until", "2026-11-27T17:00:00Z", "-f", "type=image"))
                .isZero();
        assertThat(out()).endsWith(" image tag " + ID + " (name=busybox:latest)\n");
        assertThat(query(daemon.requests().getLast()))
                .isEqualTo("since=1795796000&until=1795798800.000000000&filters={\"type\":{\"image\":true}}");
        out.reset();
        assertThat(berth("system", "events", "--format", "{{.Action}} {{.Actor.Attributes.name}}"))
                .isZero();
        assertThat(out()).isEqualTo("tag busybox:latest\n");
    }

    @Test
    void systemDfSummarisesImagesLikeDocker() throws IOException {
        daemon(r -> Response.json(200, """
                {"LayersSize":1982263,"Images":[{"Id":"%s","Size":1982263,"SharedSize":0,"Containers":0}],
                 "Containers":[],"Volumes":[],"BuildCache":[]}""".formatted(ID)));
        assertThat(berth("system", "df")).isZero();
        assertThat(out()).isEqualTo("""
                TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE
                Images          1         0         1.982MB   1.982MB (100%)
                Containers      0         0         0B        0B
                Local Volumes   0         0         0B        0B
                Build Cache     0         0         0B        0B
                """);
    }

    @Test
    void pruneAsksFirstAndReportsWhatWentAndTheSpace() throws IOException {
        daemon(r -> Response.json(200, """
                {"ImagesDeleted":[{"Untagged":"imp:1"},{"Deleted":"%s"}],"SpaceReclaimed":1982263}""".formatted(ID)));
        stdin = "n\n".getBytes(StandardCharsets.UTF_8);
        assertThat(berth("image", "prune")).isZero();
        assertThat(out())
                .isEqualTo("WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ");
        assertThat(daemon.requests()).as("a refusal sends nothing").isEmpty();
        out.reset();
        stdin = "y\n".getBytes(StandardCharsets.UTF_8);
        assertThat(berth("image", "prune", "-a", "--filter", "until=24h")).isZero();
        assertThat(out())
                .endsWith("[y/N] Deleted Images:\nuntagged: imp:1\ndeleted: " + ID
                        + "\n\nTotal reclaimed space: 1.982MB\n");
        assertThat(query(daemon.requests().getLast()))
                .isEqualTo("filters={\"until\":{\"24h\":true},\"dangling\":{\"false\":true}}");
        out.reset();
        assertThat(berth("image", "prune", "-f")).isZero();
        assertThat(query(daemon.requests().getLast())).isEqualTo("filters={\"dangling\":{\"true\":true}}");
    }

    @Test
    void withoutADaemonTheErrorNamesTheSocketAndExitsOne() {
        assertThat(berthWithEnv(Map.of(), "-H", "unix://" + dir.resolve("none.sock"), "images"))
                .isEqualTo(1);
        assertThat(err())
                .isEqualTo("Cannot connect to the Berth daemon at unix://" + dir.resolve("none.sock")
                        + ". Is the berth daemon running?\n");
    }

    @Test
    void theHostFlagOverridesDockerHost() throws IOException {
        daemon(r -> Response.json(200, "[]"));
        assertThat(berthWithEnv(
                        Map.of("DOCKER_HOST", "unix://" + dir.resolve("none.sock")),
                        "-H",
                        daemon.uri(),
                        "images",
                        "-q"))
                .isZero();
        assertThat(daemon.requests()).hasSize(1);
    }

    @Test
    void usageErrorsExit125LikeDocker() {
        assertThat(berth("images", "--bogus")).isEqualTo(ExitCodes.USAGE);
        assertThat(err()).contains("Unknown option: '--bogus'").contains("See 'berth images --help'.");
        err.reset();
        assertThat(berth("rmi")).isEqualTo(ExitCodes.USAGE);
        assertThat(err()).contains("Missing required parameter: 'IMAGE'");
    }

    @Test
    void aBadTemplateIsAnErrorBeforeAnythingIsPrinted() throws IOException {
        daemon(r -> Response.json(200, images()));
        assertThat(berth("images", "--format", "{{.Nope}}")).isEqualTo(1);
        assertThat(out()).isEmpty();
        assertThat(err())
                .isEqualTo(
                        "template parsing error: template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope\n");
    }

    @Test
    void versionPrintsTheClientEvenWhenTheDaemonIsDown() {
        assertThat(berth("version")).isEqualTo(1);
        assertThat(out())
                .startsWith("Client:\n Version:           " + VersionCommand.VERSION + "\n API version:       1.50\n");
        assertThat(err()).startsWith("Cannot connect to the Berth daemon at");
    }
}
