package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The berth CLI, run as bin/berth runs it, against a real daemon on a private data root and socket. */
class CliIT {
    private static BerthDaemon daemon;
    private static String busyboxId;

    @BeforeAll
    static void start() {
        daemon = BerthDaemon.start();
        assertThat(daemon.berth("image", "bootstrap", "busybox").ok()).isEqualTo("Loaded image: busybox:latest\n");
        busyboxId = daemon.berth("image", "inspect", "-f", "{{.Id}}", "busybox")
                .ok()
                .strip();
        assertThat(busyboxId).matches("sha256:[0-9a-f]{64}");
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private static String shortId(String id) {
        return id.substring("sha256:".length(), "sha256:".length() + 12);
    }

    @Test
    void imagesShowsTheBootstrappedImageInDockersTable() {
        String table = daemon.berth("images", "busybox").ok();
        assertThat(table.lines().toList()).hasSize(2);
        assertThat(table.lines().findFirst().orElseThrow())
                .isEqualTo("REPOSITORY   TAG       IMAGE ID       CREATED        SIZE");
        assertThat(table.lines().skip(1).findFirst().orElseThrow())
                .matches("busybox      latest    " + shortId(busyboxId) + "   \\S.* ago +\\d[\\d.]*[kM]B");
        assertThat(daemon.berth("images", "-q", "--no-trunc", "busybox").ok()).isEqualTo(busyboxId + "\n");
        // The docker CLI sees the same image through the same API.
        assertThat(daemon.docker("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}", "busybox")
                        .ok())
                .isEqualTo("busybox:latest " + shortId(busyboxId) + "\n");
    }

    @Test
    void tagsShareOneIdAndRmiOfOneTagKeepsTheImage() {
        daemon.berth("tag", "busybox", "cli-it/tagged:v1").ok();
        daemon.berth("image", "tag", "busybox", "cli-it/tagged:v2").ok();
        assertThat(daemon.berth("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}", "cli-it/tagged")
                        .ok()
                        .lines()
                        .sorted()
                        .toList())
                .containsExactly("cli-it/tagged:v1 " + shortId(busyboxId), "cli-it/tagged:v2 " + shortId(busyboxId));
        assertThat(daemon.berth("rmi", "cli-it/tagged:v1").ok()).isEqualTo("Untagged: cli-it/tagged:v1\n");
        assertThat(daemon.berth("image", "rm", "cli-it/tagged:v2").ok()).isEqualTo("Untagged: cli-it/tagged:v2\n");
        assertThat(daemon.berth("inspect", "-f", "{{.Id}}", "busybox").ok().strip())
                .isEqualTo(busyboxId);
        assertThat(daemon.berth("images", "-q", "cli-it/tagged").ok()).isEmpty();
    }

    @Test
    void saveRmiLoadGivesBackTheSameImage() throws IOException {
        daemon.berth("tag", "busybox", "cli-it/roundtrip:1").ok();
        Path tar = daemon.scratch().resolve("roundtrip.tar");
        daemon.berth("save", "-o", tar.toString(), "cli-it/roundtrip:1").ok();
        assertThat(Files.size(tar)).isGreaterThan(1_000_000);

        daemon.berth("rmi", "cli-it/roundtrip:1").ok();
        assertThat(daemon.berth("inspect", "cli-it/roundtrip:1").exitCode()).isEqualTo(1);

        // From stdin, as `berth load < file` does.
        CommandResult loaded = daemon.berthWithInput(tar, "load");
        assertThat(loaded.ok()).isEqualTo("Loaded image: cli-it/roundtrip:1\n");
        assertThat(daemon.berth("inspect", "-f", "{{.Id}}", "cli-it/roundtrip:1")
                        .ok()
                        .strip())
                .isEqualTo(busyboxId);
        daemon.berth("rmi", "cli-it/roundtrip:1").ok();

        // From a file, quietly.
        assertThat(daemon.berth("image", "load", "-q", "-i", tar.toString()).ok())
                .isEqualTo("Loaded image: cli-it/roundtrip:1\n");
        daemon.berth("rmi", "cli-it/roundtrip:1").ok();
    }

    @Test
    void aTarSavedByBerthLoadsIntoTheDaemonThroughTheDockerCli() throws IOException {
        Path tar = daemon.scratch().resolve("for-docker.tar");
        daemon.berth("tag", "busybox", "cli-it/docker:1").ok();
        daemon.berth("save", "-o", tar.toString(), "cli-it/docker:1").ok();
        daemon.berth("rmi", "cli-it/docker:1").ok();
        assertThat(daemon.docker("load", "-i", tar.toString()).ok()).contains("Loaded image: cli-it/docker:1");
        assertThat(daemon.berth("inspect", "-f", "{{.Id}}", "cli-it/docker:1")
                        .ok()
                        .strip())
                .isEqualTo(busyboxId);
        daemon.berth("rmi", "cli-it/docker:1").ok();
    }

    @Test
    void historyShowsTheLayerAndTheCmd() {
        String history = daemon.berth("history", "busybox").ok();
        List<String> lines = history.lines().toList();
        assertThat(lines.getFirst()).startsWith("IMAGE          CREATED   CREATED BY");
        assertThat(lines)
                .anySatisfy(l -> assertThat(l).startsWith(shortId(busyboxId)).contains("CMD [\"sh\"]"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("<missing>").contains("MB"));
        assertThat(daemon.berth("image", "history", "-q", "--no-trunc", "busybox")
                        .ok()
                        .lines()
                        .findFirst()
                        .orElseThrow())
                .isEqualTo(busyboxId);
    }

    @Test
    void importFromStdinAppliesChanges() throws IOException, InterruptedException {
        Path rootfs = daemon.scratch().resolve("rootfs");
        Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("busybox"));
        Path tar = daemon.scratch().resolve("rootfs.tar");
        Commands.run(List.of("tar", "-C", rootfs.toString(), "-cf", tar.toString(), "."), Map.of(), null)
                .ok();

        String id = daemon.berthWithInput(
                        tar,
                        "import",
                        "-c",
                        "CMD [\"sh\"]",
                        "-c",
                        "ENV A=b",
                        "-m",
                        "from the CLI IT",
                        "-",
                        "cli-it/imported:1")
                .ok()
                .strip();
        assertThat(id).matches("sha256:[0-9a-f]{64}");
        assertThat(daemon.berth(
                                "image",
                                "inspect",
                                "-f",
                                "{{.Id}} {{json .Config.Cmd}} {{.Config.Env}} {{.Comment}}",
                                "cli-it/imported:1")
                        .ok())
                .startsWith(id + " [\"sh\"] [")
                .contains("A=b")
                .endsWith("] from the CLI IT\n");
        daemon.berth("rmi", "cli-it/imported:1").ok();
    }

    @Test
    void runRmRemovesAContainerWhoseStartFailed() {
        var attached = daemon.berth("run", "--rm", "-i", "--name", "cli-it-badstart-i", "busybox", "/no/such/command");
        assertThat(attached.exitCode()).isNotZero();
        var followed = daemon.berth("run", "--rm", "--name", "cli-it-badstart", "busybox", "/no/such/command");
        assertThat(followed.exitCode()).isNotZero();
        assertThat(daemon.berth("ps", "-a").ok()).doesNotContain("cli-it-badstart");
    }

    @Test
    void eventsListWhatHappened() {
        String since = Long.toString(System.currentTimeMillis() / 1000 - 1);
        daemon.berth("tag", "busybox", "cli-it/events:1").ok();
        daemon.berth("rmi", "cli-it/events:1").ok();
        String events = daemon.berth("events", "--since", since, "--until", "0s", "-f", "type=image")
                .ok();
        assertThat(events).contains(" image tag " + busyboxId + " (name=cli-it/events:1)");
        assertThat(events).contains(" image untag " + busyboxId);
        assertThat(daemon.berth("system", "events", "--since", since, "--until", "0s", "--format", "{{.Action}}")
                        .ok()
                        .lines())
                .contains("tag", "untag");
    }

    @Test
    void errorsComeFromTheDaemonWithExitCodeOne() {
        CommandResult rmi = daemon.berth("rmi", "cli-it/nope");
        assertThat(rmi.exitCode()).isEqualTo(1);
        assertThat(rmi.stderr()).startsWith("Error response from daemon: ").contains("No such image");

        CommandResult inspect = daemon.berth("inspect", "cli-it/nope");
        assertThat(inspect.exitCode()).isEqualTo(1);
        assertThat(inspect.stdout()).isEqualTo("[]\n");

        CommandResult tag = daemon.berth("tag", "busybox", "Not/Valid");
        assertThat(tag.exitCode()).isEqualTo(1);
        assertThat(tag.stderr()).startsWith("Error response from daemon: ");

        Path garbage = daemon.scratch().resolve("garbage.tar");
        try {
            Files.writeString(garbage, "this is not a tar");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        CommandResult load = daemon.berth("load", "-i", garbage.toString());
        assertThat(load.exitCode()).isEqualTo(1);
        assertThat(load.stderr()).isNotBlank();
        assertThat(daemon.berth("images", "-q", "busybox").ok()).isNotEmpty();
    }

    @Test
    void versionInfoAndDfTalkToTheDaemon() {
        assertThat(daemon.berth("version", "--format", "{{.Server.ApiVersion}}").ok())
                .isEqualTo("1.50\n");
        assertThat(daemon.berth("info", "--format", "{{.Images}}").ok().strip()).matches("\\d+");
        String df = daemon.berth("system", "df").ok();
        assertThat(df.lines().findFirst().orElseThrow())
                .isEqualTo("TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE");
        assertThat(df).containsPattern("Images +\\d+ ");
    }

    @Test
    void aDaemonThatIsNotThereIsNamed() {
        String socket = daemon.scratch().resolve("nobody.sock").toString();
        CommandResult result = daemon.berth("-H", "unix://" + socket, "images");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr())
                .isEqualTo(
                        "Cannot connect to the Berth daemon at unix://" + socket + ". Is the berth daemon running?\n");
    }
}
