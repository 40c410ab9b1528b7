package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.Busybox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Image management through the real docker CLI against a Berth daemon. */
class ImageDockerCliIT {
    private static BerthDaemon daemon;
    private static Path rootfs;

    @BeforeAll
    static void startDaemon() {
        daemon = BerthDaemon.start();
        rootfs = Busybox.importTar(daemon.scratch(), "base", Map.of("/etc/greeting", "hello\n"));
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private static String importImage(String reference, String... changes) {
        String[] args = Stream.concat(
                        Stream.of("import"),
                        Stream.concat(
                                Arrays.stream(changes).flatMap(c -> Stream.of("-c", c)),
                                Stream.of(rootfs.toString(), reference)))
                .toArray(String[]::new);
        return daemon.docker(args).ok().strip();
    }

    private static String imageId(String reference) {
        return daemon.docker("image", "inspect", "--format", "{{.Id}}", reference)
                .ok()
                .strip();
    }

    @Test
    void importAppliesChangesToTheConfig() {
        String id = importImage(
                "changes:1",
                "CMD [\"sh\", \"-c\", \"echo hi\"]",
                "ENV GREETING=hello",
                "WORKDIR /srv",
                "ENTRYPOINT [\"/bin/sh\"]",
                "LABEL team=berth");

        assertThat(id).matches("sha256:[0-9a-f]{64}");
        assertThat(daemon.docker("image", "inspect", "--format", "{{json .Config.Cmd}}", "changes:1")
                        .ok()
                        .strip())
                .isEqualTo("[\"sh\",\"-c\",\"echo hi\"]");
        assertThat(daemon.docker("image", "inspect", "--format", "{{json .Config.Env}}", "changes:1")
                        .ok())
                .contains("GREETING=hello");
        assertThat(daemon.docker(
                                "image",
                                "inspect",
                                "--format",
                                "{{.Config.WorkingDir}} {{json .Config.Entrypoint}} {{.Config.Labels.team}}",
                                "changes:1")
                        .ok()
                        .strip())
                .isEqualTo("/srv [\"/bin/sh\"] berth");
        assertThat(daemon.docker(
                                "image",
                                "inspect",
                                "--format",
                                "{{.Os}}/{{.Architecture}} {{len .RootFS.Layers}}",
                                "changes:1")
                        .ok()
                        .strip())
                .isEqualTo("linux/amd64 1");
    }

    @Test
    void severalTagsShareOneImageId() {
        String id = importImage("shared:1");
        daemon.docker("tag", "shared:1", "shared:2").ok();
        daemon.docker("tag", "shared:1", "localhost:5000/team/shared:v1").ok();

        String listing = daemon.docker(
                                "images",
                                "--no-trunc",
                                "--format",
                                "{{.Repository}}:{{.Tag}} {{.ID}}",
                                "--filter",
                                "reference=*shared*")
                        .ok()
                + daemon.docker(
                                "images",
                                "--no-trunc",
                                "--format",
                                "{{.Repository}}:{{.Tag}} {{.ID}}",
                                "--filter",
                                "reference=localhost:5000/team/*")
                        .ok();
        assertThat(listing.lines())
                .containsExactlyInAnyOrder("shared:1 " + id, "shared:2 " + id, "localhost:5000/team/shared:v1 " + id);
        assertThat(daemon.docker("image", "inspect", "--format", "{{len .RepoTags}}", id)
                        .ok()
                        .strip())
                .isEqualTo("3");
    }

    @Test
    void removingOneTagKeepsTheImageUntilTheLastTagGoes() {
        String id = importImage("keep:1");
        daemon.docker("tag", "keep:1", "keep:2").ok();

        assertThat(daemon.docker("rmi", "keep:2").ok().strip()).isEqualTo("Untagged: keep:2");
        assertThat(imageId("keep:1")).isEqualTo(id);

        String removed = daemon.docker("rmi", "keep:1").ok();
        assertThat(removed).contains("Untagged: keep:1", "Deleted: " + id);
        CommandResult inspect = daemon.docker("image", "inspect", id);
        assertThat(inspect.exitCode()).isEqualTo(1);
        assertThat(inspect.stderr()).contains("No such image: " + id);
    }

    @Test
    void removingAnImageByIdThatSeveralReposNameNeedsForce() {
        String id = importImage("multi-a:1");
        daemon.docker("tag", "multi-a:1", "multi-b:1").ok();

        CommandResult refused = daemon.docker("rmi", id.substring("sha256:".length(), 19));
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.stderr())
                .contains(
                        "conflict: unable to delete", "must be forced", "image is referenced in multiple repositories");
        assertThat(imageId("multi-b:1")).isEqualTo(id);

        assertThat(daemon.docker("rmi", "-f", id).ok())
                .contains("Untagged: multi-a:1", "Untagged: multi-b:1", "Deleted: " + id);
    }

    @Test
    void saveThenLoadRestoresTheSameIdAndTags() throws IOException {
        String id = importImage("roundtrip:1", "CMD [\"sh\"]");
        daemon.docker("tag", "roundtrip:1", "roundtrip:2").ok();
        Path tar = daemon.scratch().resolve("roundtrip.tar");
        daemon.docker("save", "-o", tar.toString(), "roundtrip:1", "roundtrip:2")
                .ok();
        daemon.docker("rmi", "roundtrip:1", "roundtrip:2").ok();

        String loaded = daemon.docker("load", "-i", tar.toString()).ok();

        assertThat(loaded).contains("Loaded image: roundtrip:1", "Loaded image: roundtrip:2");
        assertThat(imageId("roundtrip:1")).isEqualTo(id);
        assertThat(imageId("roundtrip:2")).isEqualTo(id);
        assertThat(Files.size(tar)).isGreaterThan(Files.size(Path.of("/bin/busybox")) / 2);
    }

    @Test
    void historyShowsTheImportLayer() {
        String id = importImage("hist:1", "CMD [\"sh\"]");
        String history = daemon.docker("history", "--no-trunc", "--format", "{{.ID}} {{.Size}}", "hist:1")
                .ok();
        assertThat(history.lines().findFirst().orElseThrow()).startsWith(id + " ");
    }

    @Test
    void filtersSelectByLabelDanglingAndReference() {
        String labelled = importImage("filter-l:1", "LABEL tier=gold");
        importImage("filter-l:2", "LABEL tier=silver");
        importImage("filter-dangling:1", "LABEL dangling=soon");
        importImage("filter-dangling:1", "LABEL dangling=no"); // retags, leaving the first one dangling

        assertThat(daemon.docker("images", "-q", "--no-trunc", "--filter", "label=tier=gold")
                        .ok()
                        .strip())
                .isEqualTo(labelled);
        assertThat(daemon.docker("images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "reference=filter-l")
                        .ok()
                        .lines()
                        .sorted())
                .containsExactly("filter-l:1", "filter-l:2");
        assertThat(daemon.docker(
                                "images",
                                "--format",
                                "{{.Repository}}:{{.Tag}} {{.ID}}",
                                "--filter",
                                "dangling=true",
                                "--filter",
                                "label=dangling=soon")
                        .ok()
                        .strip())
                .startsWith("<none>:<none> ");
    }

    @Test
    void unknownImageAndBadInputGiveDockersErrors() throws IOException {
        CommandResult unknown = daemon.docker("image", "inspect", "nosuch:1");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("No such image: nosuch:1");

        CommandResult unknownRmi = daemon.docker("rmi", "nosuch:1");
        assertThat(unknownRmi.exitCode()).isEqualTo(1);
        assertThat(unknownRmi.stderr()).contains("No such image: nosuch:1");

        Path garbage =
                Files.writeString(daemon.scratch().resolve("garbage.tar"), "this is not a tar archive\n".repeat(100));
        CommandResult badLoad = daemon.docker("load", "-i", garbage.toString());
        assertThat(badLoad.exitCode()).isEqualTo(1);
        assertThat(badLoad.stderr() + badLoad.stdout()).isNotBlank();

        CommandResult badTag = daemon.docker("tag", "nosuch:1", "Upper/Case");
        assertThat(badTag.exitCode()).isNotZero();
        assertThat(badTag.stderr()).contains("invalid reference format");
    }

    @Test
    void versionedAndUnknownEndpointsAnswerLikeDocker() {
        assertThat(daemon.docker("version", "--format", "{{.Server.APIVersion}} {{.Server.MinAPIVersion}}")
                        .ok()
                        .strip())
                .isEqualTo("1.50 1.24");
        CommandResult old = Commands.run(
                List.of("docker", "images"), Map.of("DOCKER_HOST", daemon.host(), "DOCKER_API_VERSION", "1.23"), null);
        assertThat(old.exitCode()).isEqualTo(1);
        assertThat(old.stderr()).contains("1.23", "1.24");
    }
}
