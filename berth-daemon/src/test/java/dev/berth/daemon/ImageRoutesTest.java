package dev.berth.daemon;

import static dev.berth.daemon.DaemonFixture.json;
import static dev.berth.daemon.DaemonFixture.messages;
import static dev.berth.daemon.DaemonFixture.streamed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.server.ErrorMapping;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.http.server.Response;
import dev.berth.testing.Layers;
import dev.berth.testing.TestImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image routes over the daemon's real services on a temporary data root (vfs snapshotter), without a socket. */
class ImageRoutesTest {
    @TempDir
    Path dir;

    DaemonFixture daemon;

    static final byte[] LAYER = Layers.of("hello.txt", "hello\n");

    @BeforeEach
    void setUp() {
        daemon = new DaemonFixture(dir);
    }

    @AfterEach
    void tearDown() {
        daemon.close();
    }

    private Response call(String method, String path, Map<String, List<String>> query) throws Exception {
        return daemon.call(method, path, query, new byte[0], "1.50");
    }

    private Digest load(List<String> tags) throws Exception {
        TestImage image = TestImage.builder()
                .layer(LAYER)
                .history("ADD hello.txt /")
                .tags(tags.toArray(String[]::new))
                .build();
        Digest id = Digest.parse(image.id());
        List<JsonNode> out = messages(
                daemon.call("POST", "/images/load", Map.of("quiet", List.of("1")), image.dockerSave(), "1.50"));
        assertThat(out)
                .extracting(m -> m.get("stream").asText())
                .containsExactlyElementsOf(
                        tags.isEmpty()
                                ? List.of("Loaded image ID: " + id + "\n")
                                : tags.stream()
                                        .map(t -> "Loaded image: " + t + "\n")
                                        .toList());
        return id;
    }

    @Test
    void loadThenListAndInspectInDockersShapes() throws Exception {
        Digest id = load(List.of("app:1"));

        JsonNode list = json(call("GET", "/images/json", Map.of()));
        assertThat(list).hasSize(1);
        JsonNode s = list.get(0);
        assertThat(s.get("Id").asText()).isEqualTo(id.toString());
        assertThat(s.get("RepoTags").get(0).asText()).isEqualTo("app:1");
        assertThat(s.get("RepoDigests")).isEmpty();
        assertThat(s.get("Created").asLong()).isEqualTo(1704067200L);
        assertThat(s.get("Size").asLong()).isEqualTo(6);
        assertThat(s.get("SharedSize").asLong()).isEqualTo(-1);
        assertThat(s.get("Containers").asLong()).isEqualTo(-1);
        assertThat(s.get("ParentId").asText()).isEmpty();
        assertThat(s.has("VirtualSize")).isFalse();
        assertThat(json(daemon.call("GET", "/images/json", Map.of(), new byte[0], "1.41"))
                        .get(0)
                        .get("VirtualSize")
                        .asLong())
                .isEqualTo(6);

        JsonNode inspect = json(call("GET", "/images/app:1/json", Map.of()));
        assertThat(inspect.get("Id").asText()).isEqualTo(id.toString());
        assertThat(inspect.get("Config").get("Cmd").get(0).asText()).isEqualTo("sh");
        assertThat(inspect.get("Os").asText()).isEqualTo("linux");
        assertThat(inspect.get("RootFS").get("Type").asText()).isEqualTo("layers");
        assertThat(inspect.get("RootFS").get("Layers").get(0).asText())
                .isEqualTo(Digest.sha256(LAYER).toString());
        assertThat(inspect.get("GraphDriver").get("Name").asText()).isEqualTo("vfs");
        assertThat(inspect.get("Metadata").get("LastTagTime").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(inspect.get("Created").asText()).isEqualTo("2024-01-01T00:00:00Z");

        JsonNode history = json(call("GET", "/images/" + id.hex().substring(0, 12) + "/history", Map.of()));
        assertThat(history.get(0).get("Id").asText()).isEqualTo(id.toString());
        assertThat(history.get(0).get("CreatedBy").asText()).isEqualTo("ADD hello.txt /");
        assertThat(history.get(0).get("Tags").get(0).asText()).isEqualTo("app:1");
    }

    @Test
    void tagAndRemoveAnswerLikeDocker() throws Exception {
        Digest id = load(List.of("app:1"));

        Response tagged =
                call("POST", "/images/app:1/tag", Map.of("repo", List.of("localhost:5000/other"), "tag", List.of("x")));
        assertThat(tagged.status()).isEqualTo(201);

        assertThatThrownBy(() -> call("DELETE", "/images/" + id.hex(), Map.of()))
                .isInstanceOfSatisfying(BerthException.class, e -> {
                    assertThat(ErrorMapping.status(e.kind())).isEqualTo(409);
                    assertThat(e.getMessage())
                            .isEqualTo("conflict: unable to delete " + id.shortHex()
                                    + " (must be forced) - image is referenced in multiple repositories");
                });
        JsonNode untagged = json(call("DELETE", "/images/localhost:5000/other:x", Map.of()));
        assertThat(untagged.toString()).isEqualTo("[{\"Untagged\":\"localhost:5000/other:x\"}]");
        JsonNode deleted = json(call("DELETE", "/images/app:1", Map.of()));
        assertThat(deleted.toString())
                .isEqualTo("[{\"Untagged\":\"app:1\"},{\"Deleted\":\"" + id + "\"},{\"Deleted\":\""
                        + Digest.sha256(LAYER) + "\"}]");
    }

    @Test
    void unknownImagesAndBadNamesMapToDockersStatuses() {
        assertThatThrownBy(() -> call("GET", "/images/nope/json", Map.of()))
                .isInstanceOfSatisfying(BerthException.class, e -> {
                    assertThat(ErrorMapping.status(e.kind())).isEqualTo(404);
                    assertThat(e.getMessage()).isEqualTo("No such image: nope:latest");
                });
        assertThatThrownBy(() -> call("POST", "/images/nope/tag", Map.of("repo", List.of("UPPER"))))
                .isInstanceOfSatisfying(
                        BerthException.class,
                        e -> assertThat(ErrorMapping.status(e.kind())).isEqualTo(400));
        // fromImage reaches the daemon's pull, which refuses a bad name before any registry traffic.
        assertThatThrownBy(() -> call("POST", "/images/create", Map.of("fromImage", List.of("UPPER"))))
                .isInstanceOfSatisfying(
                        BerthException.class,
                        e -> assertThat(ErrorMapping.status(e.kind())).isEqualTo(400));
    }

    @Test
    void importStreamsTheNewIdAsStatus() throws Exception {
        Response r = daemon.call(
                "POST",
                "/images/create",
                Map.of(
                        "fromSrc",
                        List.of("-"),
                        "repo",
                        List.of("imp"),
                        "tag",
                        List.of("2"),
                        "changes",
                        List.of("CMD [\"sh\"]", "ENV A=1")),
                LAYER,
                "1.50");

        List<JsonNode> out = messages(r);
        String id = out.getLast().get("status").asText();
        assertThat(id).startsWith("sha256:");
        JsonNode inspect = json(call("GET", "/images/imp:2/json", Map.of()));
        assertThat(inspect.get("Id").asText()).isEqualTo(id);
        assertThat(inspect.get("Config").get("Env").get(0).asText()).isEqualTo("A=1");
    }

    @Test
    void listFiltersComeFromTheFiltersParameter() throws Exception {
        load(List.of("app:1"));
        String filters = "{\"reference\":{\"other*\":true}}";
        assertThat(json(call("GET", "/images/json", Map.of("filters", List.of(filters)))))
                .isEmpty();
        assertThat(json(call("GET", "/images/json", Map.of("filters", List.of("{\"reference\":[\"app*\"]}")))))
                .hasSize(1);
        assertThatThrownBy(() -> call("GET", "/images/json", Map.of("filters", List.of("{\"nope\":[\"x\"]}"))))
                .hasMessage("invalid filter 'nope'");
    }

    @Test
    void saveStreamsATarWithManifestJson() throws Exception {
        Digest id = load(List.of("app:1"));
        byte[] tar = streamed(call("GET", "/images/get", Map.of("names", List.of("app:1"))));
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                names.add(e.getName());
            }
        }
        assertThat(names).contains("manifest.json", "index.json", "oci-layout", "blobs/sha256/" + id.hex());
        assertThat(streamed(call("GET", "/images/app:1/get", Map.of()))).isEqualTo(tar);
        assertThatThrownBy(() -> call("GET", "/images/nope/get", Map.of())).hasMessage("No such image: nope:latest");
    }

    @Test
    void pruneAndDiskUsage() throws Exception {
        load(List.of());
        JsonNode df = json(call("GET", "/system/df", Map.of()));
        assertThat(df.get("LayersSize").asLong()).isEqualTo(6);
        assertThat(df.get("Images").get(0).get("Containers").asLong()).isZero();
        assertThat(df.get("Images").get(0).get("SharedSize").asLong()).isZero();
        assertThat(df.get("Containers")).isEmpty();

        JsonNode pruned = json(call("POST", "/images/prune", Map.of()));
        assertThat(pruned.get("ImagesDeleted")).hasSize(2);
        assertThat(pruned.get("SpaceReclaimed").asLong()).isEqualTo(6);
        JsonNode again = json(call("POST", "/images/prune", Map.of()));
        assertThat(again.toString()).isEqualTo("{\"ImagesDeleted\":null,\"SpaceReclaimed\":0}");
    }
}
