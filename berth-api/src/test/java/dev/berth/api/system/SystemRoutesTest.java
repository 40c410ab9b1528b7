package dev.berth.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.server.ApiServer;
import dev.berth.api.server.Json;
import dev.berth.engine.event.Event;
import dev.berth.engine.event.EventBus;
import dev.berth.engine.system.HostFacts;
import dev.berth.engine.system.SystemFacts;
import dev.berth.http.server.Router;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SystemRoutesTest {
    private final EventBus bus = new EventBus();
    private final HttpClient http = HttpClient.newHttpClient();
    private ApiServer server;
    private String base;

    @BeforeEach
    void start() {
        SystemFacts facts = SystemFacts.of(
                        "ABCD:EFGH",
                        Path.of("/var/lib/berth-test"),
                        3,
                        new SystemFacts.ContainerCounts(1, 0, 1),
                        "overlayfs")
                .withDriverStatus(List.of(List.of("Backing Filesystem", "extfs")))
                .withRuntimes(Map.of("berth", "/usr/libexec/berth-shim"), "berth")
                .withWarnings(List.of("WARNING: bridge networking is not available yet"));
        server = new ApiServer(
                List.of(URI.create("tcp://127.0.0.1:0")),
                new Router()
                        .install(new SystemRoutes(() -> facts, bus, HostFacts.read()))
                        .install(new SwarmRoutes()));
        server.start();
        base = "http://127.0.0.1:"
                + ((InetSocketAddress) server.boundAddresses().getFirst()).getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void pingAnswersOkWithDockersHeaders() throws Exception {
        HttpResponse<String> r = get("/_ping");
        assertThat(r.body()).isEqualTo("OK");
        assertThat(r.headers().firstValue("Api-Version")).hasValue("1.50");
        assertThat(r.headers().firstValue("Ostype")).hasValue("linux");
        assertThat(r.headers().firstValue("Builder-Version")).hasValue("1");
        assertThat(r.headers().firstValue("Swarm")).hasValue("inactive");
        assertThat(r.headers().firstValue("Pragma")).hasValue("no-cache");
        assertThat(r.headers().firstValue("Cache-Control")).get().asString().contains("no-cache");

        HttpResponse<Void> head = http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1.24/_ping"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Api-Version")).hasValue("1.50");
    }

    @Test
    void versionHasDockersShape() throws Exception {
        JsonNode v = json("/v1.50/version");
        assertThat(v.get("ApiVersion").asText()).isEqualTo("1.50");
        assertThat(v.get("MinAPIVersion").asText()).isEqualTo("1.24");
        assertThat(v.get("Os").asText()).isEqualTo("linux");
        assertThat(v.get("Arch").asText()).isNotBlank();
        assertThat(v.get("GoVersion").asText()).startsWith("java");
        assertThat(v.get("KernelVersion").asText()).isNotBlank();
        assertThat(v.at("/Platform/Name").asText()).startsWith("Berth");
        assertThat(v.at("/Components/0/Name").asText()).isEqualTo("Engine");
        assertThat(v.at("/Components/0/Details/ApiVersion").asText()).isEqualTo("1.50");
    }

    @Test
    void infoReportsEngineAndHostFacts() throws Exception {
        JsonNode i = json("/info");
        assertThat(i.get("ID").asText()).isEqualTo("ABCD:EFGH");
        assertThat(i.get("Images").asInt()).isEqualTo(3);
        assertThat(i.get("Containers").asInt()).isEqualTo(2);
        assertThat(i.get("ContainersRunning").asInt()).isEqualTo(1);
        assertThat(i.get("ContainersStopped").asInt()).isEqualTo(1);
        assertThat(i.get("Driver").asText()).isEqualTo("overlayfs");
        assertThat(i.at("/DriverStatus/0/0").asText()).isEqualTo("Backing Filesystem");
        assertThat(i.get("DockerRootDir").asText()).isEqualTo("/var/lib/berth-test");
        assertThat(i.get("NCPU").asInt()).isPositive();
        assertThat(i.get("MemTotal").asLong()).isPositive();
        assertThat(i.get("OSType").asText()).isEqualTo("linux");
        assertThat(i.at("/Runtimes/berth/path").asText()).isEqualTo("/usr/libexec/berth-shim");
        assertThat(i.get("DefaultRuntime").asText()).isEqualTo("berth");
        assertThat(i.at("/Swarm/LocalNodeState").asText()).isEqualTo("inactive");
        assertThat(i.at("/Warnings/0").asText()).contains("bridge");
    }

    @Test
    void swarmEndpointsAnswerAsANodeOutsideASwarm() throws Exception {
        HttpResponse<String> leave = http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1.41/swarm/leave?force=1"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(leave.statusCode()).isEqualTo(503);
        assertThat(Json.MAPPER.readTree(leave.body()).get("message").asText())
                .isEqualTo("This node is not part of a swarm");
        for (String path : List.of("/swarm", "/nodes", "/services/abc", "/tasks", "/secrets", "/configs")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(503);
            assertThat(Json.MAPPER.readTree(r.body()).get("message").asText())
                    .as(path)
                    .startsWith("This node is not a swarm manager.");
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    @Test
    void pastEventsInWindowWithFiltersAndLegacyFields() throws Exception {
        Instant t0 = Instant.now().minusSeconds(60);
        bus.publish(new Event("image", "tag", "sha256:aaa", Map.of("name", "busybox:latest"), nanos(t0)));
        bus.publish(new Event(
                "container", "create", "c0ffee", Map.of("name", "web", "image", "busybox"), nanos(t0.plusSeconds(1))));
        bus.publish(new Event("network", "create", "n1", Map.of("name", "net"), nanos(t0.plusSeconds(2))));
        String until = Instant.now().getEpochSecond() + ".000000000";

        List<JsonNode> all = lines(get("/events?since=0&until=" + until).body());
        assertThat(all).extracting(n -> n.get("Action").asText()).containsExactly("tag", "create", "create");
        JsonNode tag = all.getFirst();
        assertThat(tag.get("status").asText()).isEqualTo("tag");
        assertThat(tag.get("id").asText()).isEqualTo("sha256:aaa");
        assertThat(tag.get("Type").asText()).isEqualTo("image");
        assertThat(tag.at("/Actor/Attributes/name").asText()).isEqualTo("busybox:latest");
        assertThat(tag.get("scope").asText()).isEqualTo("local");
        assertThat(tag.get("time").asLong()).isEqualTo(t0.getEpochSecond());
        assertThat(tag.get("timeNano").asLong()).isEqualTo(nanos(t0));
        assertThat(all.get(1).get("from").asText()).isEqualTo("busybox");
        assertThat(all.get(2).has("status")).as("no legacy fields for networks").isFalse();

        assertThat(lines(get("/events?since=0&until=" + until + "&filters=" + enc("{\"type\":[\"image\"]}"))
                        .body()))
                .extracting(n -> n.get("Type").asText())
                .containsExactly("image");
        assertThat(lines(get("/events?since=0&until=" + until + "&filters=" + enc("{\"image\":{\"busybox\":true}}"))
                        .body()))
                .as("image filter matches image events by name and container events by their image")
                .extracting(n -> n.get("Type").asText())
                .containsExactly("image", "container");
        assertThat(lines(get("/events?since=0&until=" + until + "&filters=" + enc("{\"container\":[\"web\"]}"))
                        .body()))
                .extracting(n -> n.get("id").asText())
                .containsExactly("c0ffee");
        assertThat(lines(get("/events?since=" + (t0.getEpochSecond() + 1) + "&until=" + until)
                        .body()))
                .hasSize(2);
    }

    @Test
    void liveEventsStreamUntilTheUntilTime() throws Exception {
        Instant end = Instant.now().plusSeconds(2);
        HttpResponse<InputStream> r = http.send(
                HttpRequest.newBuilder(URI.create(base + "/events?until=" + end.getEpochSecond() + "."
                                + String.format("%09d", end.getNano())))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        bus.publish(Event.now("image", "delete", "sha256:bbb", Map.of("name", "sha256:bbb")));
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            JsonNode first = Json.MAPPER.readTree(reader.readLine());
            assertThat(first.get("Action").asText()).isEqualTo("delete");
            long t = System.nanoTime();
            assertThat(reader.readLine()).as("stream ends at until").isNull();
            assertThat((System.nanoTime() - t) / 1e9).isLessThan(5);
        }
    }

    @Test
    void untilBeforeSinceIsRejected() throws Exception {
        HttpResponse<String> r = get("/events?since=100&until=50");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("cannot be after `until` time");
    }

    private static List<JsonNode> lines(String body) {
        return body.lines()
                .filter(l -> !l.isBlank())
                .map(l -> {
                    try {
                        return Json.MAPPER.readTree(l);
                    } catch (Exception e) {
                        throw new AssertionError(l, e);
                    }
                })
                .toList();
    }
}
