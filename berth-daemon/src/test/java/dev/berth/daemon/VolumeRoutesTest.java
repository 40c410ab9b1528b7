package dev.berth.daemon;

import static dev.berth.daemon.DaemonFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.server.ErrorMapping;
import dev.berth.api.server.Json;
import dev.berth.core.error.BerthException;
import dev.berth.http.server.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The volume routes over the daemon's real volume service on a temporary data root, without a socket. */
class VolumeRoutesTest {
    @TempDir
    Path dir;

    DaemonFixture daemon;

    @BeforeEach
    void setUp() {
        daemon = new DaemonFixture(dir);
    }

    @AfterEach
    void tearDown() {
        daemon.close();
    }

    private Response call(String method, String path, Map<String, List<String>> query, String body, String version)
            throws Exception {
        return daemon.call(method, path, query, body.getBytes(StandardCharsets.UTF_8), version);
    }

    private Response call(String method, String path) throws Exception {
        return daemon.call(method, path);
    }

    private int status(String method, String path) {
        try {
            return call(method, path).status();
        } catch (BerthException e) {
            return ErrorMapping.status(e.kind());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void createAnswers201WithDockersVolumeShape() throws Exception {
        Response r = call(
                "POST",
                "/volumes/create",
                Map.of(),
                "{\"Name\":\"web\",\"Driver\":\"local\",\"Labels\":{\"a\":\"b\"},\"DriverOpts\":{}}",
                "1.50");
        assertThat(r.status()).isEqualTo(201);
        JsonNode v = json(r);
        assertThat(v.path("Name").asText()).isEqualTo("web");
        assertThat(v.path("Driver").asText()).isEqualTo("local");
        assertThat(v.path("Scope").asText()).isEqualTo("local");
        assertThat(v.path("Labels").path("a").asText()).isEqualTo("b");
        assertThat(v.path("Mountpoint").asText())
                .isEqualTo(daemon.dataRoot().resolve("volumes/web/_data").toString());
        assertThat(v.path("CreatedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(json(call("GET", "/volumes/web")).path("Name").asText()).isEqualTo("web");
        JsonNode anonymous = json(call("POST", "/volumes/create", Map.of(), "", "1.50"));
        assertThat(anonymous.path("Name").asText()).matches("[0-9a-f]{64}");
    }

    @Test
    void listFiltersAndStatuses() throws Exception {
        call("POST", "/volumes/create", Map.of(), "{\"Name\":\"one\"}", "1.50");
        call("POST", "/volumes/create", Map.of(), "{\"Name\":\"two\",\"Labels\":{\"x\":\"\"}}", "1.50");
        JsonNode all = json(call("GET", "/volumes"));
        assertThat(all.path("Volumes")).hasSize(2);
        JsonNode labelled =
                json(call("GET", "/volumes", Map.of("filters", List.of("{\"label\":{\"x\":true}}")), "", "1.50"));
        assertThat(labelled.path("Volumes"))
                .singleElement()
                .satisfies(v -> assertThat(v.path("Name").asText()).isEqualTo("two"));
        assertThat(status("GET", "/volumes/nope")).isEqualTo(404);
        assertThat(status("DELETE", "/volumes/nope")).isEqualTo(404);
        assertThat(status("DELETE", "/volumes/one")).isEqualTo(204);
        assertThatThrownBy(
                        () -> call("POST", "/volumes/create", Map.of(), "{\"Name\":\"x\",\"Driver\":\"nfs\"}", "1.50"))
                .isInstanceOfSatisfying(
                        BerthException.class,
                        e -> assertThat(ErrorMapping.status(e.kind())).isEqualTo(404));
        assertThatThrownBy(() -> call("POST", "/volumes/create", Map.of(), "{\"Name\":\"/abs\"}", "1.50"))
                .isInstanceOfSatisfying(
                        BerthException.class,
                        e -> assertThat(ErrorMapping.status(e.kind())).isEqualTo(400));
    }

    @Test
    void pruneKeepsNamedVolumesFromApi142AndTakesThemBefore() throws Exception {
        call("POST", "/volumes/create", Map.of(), "{\"Name\":\"named\"}", "1.50");
        String anonymous = json(call("POST", "/volumes/create", Map.of(), "{}", "1.50"))
                .path("Name")
                .asText();
        JsonNode current = json(call("POST", "/volumes/prune", Map.of(), "", "1.50"));
        assertThat(current.path("VolumesDeleted")).extracting(JsonNode::asText).containsExactly(anonymous);
        JsonNode old = json(call("POST", "/volumes/prune", Map.of(), "", "1.41"));
        assertThat(old.path("VolumesDeleted")).extracting(JsonNode::asText).containsExactly("named");
        assertThat(json(call("POST", "/volumes/prune")).path("VolumesDeleted").isNull())
                .isTrue();
    }

    @Test
    void diskUsageGivesUsageData() throws Exception {
        call("POST", "/volumes/create", Map.of(), "{\"Name\":\"sized\"}", "1.50");
        JsonNode df = json(call("GET", "/system/df")).path("Volumes");
        assertThat(df).singleElement().satisfies(v -> {
            assertThat(v.path("Name").asText()).isEqualTo("sized");
            assertThat(v.path("UsageData")).isEqualTo(Json.MAPPER.readTree("{\"Size\":0,\"RefCount\":0}"));
        });
    }
}
