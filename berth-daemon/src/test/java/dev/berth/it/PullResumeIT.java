package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.Blobs;
import dev.berth.testing.Layers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A pull interrupted by a daemon crash (SIGKILL mid-download) leaves no image, and the next pull
 * after a restart fetches neither the layer it had completed nor the part of the layer it had
 * begun (a Range request for the rest), and ends with the right image.
 */
class PullResumeIT {
    private static final int BIG_LAYER_BYTES = 40 * 1024 * 1024;
    private static final int FIRST_LAYER_BYTES = 2 * 1024 * 1024;

    @Test
    void pullKilledMidDownloadResumesAfterRestartAndFetchesOnlyTheRest() throws Exception {
        TestRegistry.require();
        try (TestRegistry registry = TestRegistry.start();
                ThrottlingProxy proxy = ThrottlingProxy.start(registry.address());
                BerthDaemon daemon = BerthDaemon.start()) {
            Pushed image = pushImage(registry.address(), "resume/big", "1");
            String name = proxy.address() + "/resume/big:1";
            Path ingest = daemon.dataRoot().resolve("content/ingest/pull-sha256%3A" + image.bigLayerHex());
            Path firstLayer = daemon.dataRoot().resolve("content/blobs/sha256/" + image.firstLayerHex());

            // 4 MB/s: the 40 MB layer would take ~10 s; the daemon dies after a quarter of it, once
            // the 2 MB layer below it is complete.
            proxy.throttle(4L * 1024 * 1024);
            CompletableFuture<CommandResult> firstPull =
                    CompletableFuture.supplyAsync(() -> daemon.docker("pull", name));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!Files.exists(ingest) || Files.size(ingest) < BIG_LAYER_BYTES / 4 || !Files.exists(firstLayer)) {
                assertThat(firstPull)
                        .as("the first pull ended before it could be interrupted")
                        .isNotDone();
                assertThat(System.nanoTime())
                        .as("download did not progress:\n" + daemon.logText())
                        .isLessThan(deadline);
                Thread.sleep(50);
            }
            daemon.kill();
            assertThat(firstPull.join().exitCode()).isNotZero();
            long had = Files.size(ingest);
            assertThat(had).isBetween((long) BIG_LAYER_BYTES / 4, (long) image.bigLayerSize() - 1);

            proxy.throttle(0);
            daemon.restart();
            // The interrupted pull left no image, and its partial layer survived the start-up check.
            assertThat(daemon.docker("image", "inspect", name).exitCode()).isNotZero();
            assertThat(daemon.docker("images", "-q", "--no-trunc").ok()).doesNotContain(image.configDigest());
            assertThat(ingest).exists();
            assertThat(firstLayer).exists();
            assertThat(daemon.logText())
                    .contains("kept partial download pull-sha256:" + image.bigLayerHex())
                    .contains("kept blob sha256:" + image.firstLayerHex() + " of an unfinished pull");

            proxy.reset();
            String pull = daemon.docker("pull", name).ok();
            assertThat(pull).contains("Status: Downloaded newer image for " + name);

            long rest = image.bigLayerSize() - had;
            assertThat(proxy.requests()).contains("Range: bytes=" + had + "-");
            // The rest of the big layer, plus manifest, config and HTTP headers: not the first layer again.
            assertThat(proxy.served()).as("bytes served for the second pull").isBetween(rest, rest + 256 * 1024);
            assertThat(ingest).doesNotExist();

            assertThat(daemon.docker("image", "inspect", "-f", "{{.Id}}", name)
                            .ok()
                            .strip())
                    .isEqualTo(image.configDigest());
            assertThat(daemon.docker("image", "inspect", "-f", "{{json .RootFS.Layers}}", name)
                            .ok()
                            .strip())
                    .isEqualTo("[\"" + String.join("\",\"", image.diffIds()) + "\"]");
            assertThat(daemon.docker("image", "inspect", "-f", "{{json .RepoDigests}}", name)
                            .ok())
                    .contains(proxy.address() + "/resume/big@" + image.manifestDigest());
        }
    }

    /** What {@link #pushImage} put in the registry. */
    private record Pushed(
            String configDigest,
            String manifestDigest,
            List<String> diffIds,
            String firstLayerHex,
            String bigLayerHex,
            long bigLayerSize) {}

    /** A two-layer image (2 MB, then 40 MB, both incompressible) pushed over the distribution API. */
    private static Pushed pushImage(String registry, String repository, String tag) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI base = URI.create("http://" + registry);
        Random bytes = new Random(42);
        byte[] firstData = new byte[FIRST_LAYER_BYTES];
        bytes.nextBytes(firstData);
        byte[] small = Layers.of("data/first.bin", firstData);
        byte[] random = new byte[BIG_LAYER_BYTES];
        bytes.nextBytes(random);
        byte[] big = Layers.of("data/random.bin", random);
        byte[] smallGz = Blobs.gzip(small);
        byte[] bigGz = Blobs.gzip(big);
        String smallDigest = upload(http, base, repository, smallGz);
        String bigDigest = upload(http, base, repository, bigGz);
        List<String> diffIds = List.of(Blobs.sha256(small), Blobs.sha256(big));
        byte[] config = """
                {"architecture":"amd64","os":"linux","created":"2026-01-01T00:00:00Z","config":{"Cmd":["/bin/sh"]},\
                "rootfs":{"type":"layers","diff_ids":["%s","%s"]}}""".formatted(diffIds.get(0), diffIds.get(1)).getBytes(StandardCharsets.UTF_8);
        String configDigest = upload(http, base, repository, config);
        byte[] manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",\
                "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"%s","size":%d},\
                "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"%s","size":%d},\
                {"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"%s","size":%d}]}""".formatted(
                        configDigest, config.length, smallDigest, smallGz.length, bigDigest, bigGz.length)
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> put = http.send(
                HttpRequest.newBuilder(base.resolve("/v2/" + repository + "/manifests/" + tag))
                        .header("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        return new Pushed(
                configDigest,
                Blobs.sha256(manifest),
                diffIds,
                smallDigest.substring("sha256:".length()),
                bigDigest.substring("sha256:".length()),
                bigGz.length);
    }

    private static String upload(HttpClient http, URI base, String repository, byte[] blob) throws Exception {
        String digest = Blobs.sha256(blob);
        HttpResponse<String> start = http.send(
                HttpRequest.newBuilder(base.resolve("/v2/" + repository + "/blobs/uploads/"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(start.statusCode()).as(start.body()).isEqualTo(202);
        String location = start.headers().firstValue("Location").orElseThrow();
        URI finish = base.resolve(location + (location.contains("?") ? "&" : "?") + "digest=" + digest);
        HttpResponse<String> put = http.send(
                HttpRequest.newBuilder(finish)
                        .header("Content-Type", "application/octet-stream")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(blob))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        return digest;
    }
}
