package dev.berth.registry.http;

import static dev.berth.registry.http.RegistryClient.withQuery;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.digest.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobEndpointsTest {
    @TempDir
    Path root;

    RegistryFixture reg;
    RegistryClient c;

    @BeforeEach
    void start() {
        reg = RegistryFixture.start(root);
        c = reg.client;
    }

    @AfterEach
    void stop() {
        reg.close();
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private long storedBlobFiles() throws Exception {
        Path blobs = root.resolve("content/blobs");
        if (!Files.exists(blobs)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(blobs)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void baseCheckAnswers200WithApiVersionHeader() {
        var r = c.get("/v2/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Docker-Distribution-API-Version")).isEqualTo("registry/2.0");
        assertThat(r.json().isObject()).isTrue();
    }

    @Test
    void monolithicPostStoresBlobThatGetAndHeadReturn() {
        byte[] data = random(300_000, 1);
        Digest d = Digest.sha256(data);
        var post = c.post("/v2/lib/app/blobs/uploads/?digest=" + d, data);
        assertThat(post.status()).isEqualTo(201);
        assertThat(post.header("Location")).isEqualTo("/v2/lib/app/blobs/" + d);
        assertThat(post.header("Docker-Content-Digest")).isEqualTo(d.toString());

        var get = c.get("/v2/lib/app/blobs/" + d);
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(data);
        assertThat(get.header("Docker-Content-Digest")).isEqualTo(d.toString());

        var head = c.head("/v2/lib/app/blobs/" + d);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Length")).isEqualTo("300000");
        assertThat(head.body()).isEmpty();
    }

    @Test
    void rangeRequestsGive206AndUnsatisfiableGives416WithMatchingHeadersAndBody() {
        byte[] data = "0123456789".getBytes(StandardCharsets.US_ASCII);
        Digest d = c.pushBlob("r", data);
        var part = c.get("/v2/r/blobs/" + d, Map.of("Range", "bytes=2-5"));
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.text()).isEqualTo("2345");
        assertThat(part.header("Content-Range")).isEqualTo("bytes 2-5/10");

        var tail = c.get("/v2/r/blobs/" + d, Map.of("Range", "bytes=-3"));
        assertThat(tail.status()).isEqualTo(206);
        assertThat(tail.text()).isEqualTo("789");

        var open = c.get("/v2/r/blobs/" + d, Map.of("Range", "bytes=7-"));
        assertThat(open.text()).isEqualTo("789");
        assertThat(open.header("Content-Range")).isEqualTo("bytes 7-9/10");

        var bad = c.get("/v2/r/blobs/" + d, Map.of("Range", "bytes=10-20"));
        assertThat(bad.status()).isEqualTo(416);
        assertThat(bad.header("Content-Range")).isEqualTo("bytes */10");
        assertThat(bad.header("Content-Type")).isEqualTo("application/json");
        assertThat(Long.parseLong(bad.header("Content-Length"))).isEqualTo(bad.body().length);
        assertThat(bad.errorCodes()).containsExactly("SIZE_INVALID");
        assertThat(bad.json().at("/errors/0/detail/size").asLong()).isEqualTo(10);
    }

    @Test
    void chunkedUploadChecksOrderReportsStatusAndFinishesWithDigest() {
        byte[] data = random(100_000, 2);
        Digest d = Digest.sha256(data);
        var start = c.post("/v2/chunks/blobs/uploads/", new byte[0]);
        assertThat(start.status()).isEqualTo(202);
        String loc = start.header("Location");
        assertThat(loc).startsWith("/v2/chunks/blobs/uploads/");
        assertThat(start.header("Docker-Upload-UUID")).isNotBlank();
        assertThat(loc).endsWith(start.header("Docker-Upload-UUID"));
        assertThat(start.header("Range")).isEqualTo("0-0");

        var p1 = c.patch(loc, Arrays.copyOfRange(data, 0, 40_000), "0-39999");
        assertThat(p1.status()).isEqualTo(202);
        assertThat(p1.header("Range")).isEqualTo("0-39999");

        var wrong = c.patch(p1.header("Location"), Arrays.copyOfRange(data, 30_000, 50_000), "30000-49999");
        assertThat(wrong.status()).isEqualTo(416);
        assertThat(wrong.header("Range")).isEqualTo("0-39999");
        assertThat(wrong.header("Location")).isEqualTo(loc);
        assertThat(wrong.errorCodes()).containsExactly("BLOB_UPLOAD_INVALID");

        var status = c.get(loc);
        assertThat(status.status()).isEqualTo(204);
        assertThat(status.header("Range")).isEqualTo("0-39999");

        // A chunk without Content-Range is appended (Docker streams one PATCH that way).
        var p2 = c.patch(loc, Arrays.copyOfRange(data, 40_000, 70_000), null);
        assertThat(p2.header("Range")).isEqualTo("0-69999");

        var put = c.put(
                withQuery(loc, "digest=" + d), Arrays.copyOfRange(data, 70_000, 100_000), "application/octet-stream");
        assertThat(put.status()).isEqualTo(201);
        assertThat(put.header("Docker-Content-Digest")).isEqualTo(d.toString());
        assertThat(c.get("/v2/chunks/blobs/" + d).body()).isEqualTo(data);
    }

    @Test
    void finalChunkInPutWithRangeCompletesTheBlob() {
        byte[] data = random(50_000, 3);
        Digest d = Digest.sha256(data);
        String loc = c.post("/v2/fin/blobs/uploads/", new byte[0]).header("Location");
        assertThat(c.patch(loc, Arrays.copyOfRange(data, 0, 20_000), "0-19999").status())
                .isEqualTo(202);
        var outOfOrder = c.send(
                "PUT",
                withQuery(loc, "digest=" + d),
                Arrays.copyOfRange(data, 25_000, 50_000),
                Map.of("Content-Range", "25000-49999", "Content-Type", "application/octet-stream"));
        assertThat(outOfOrder.status()).isEqualTo(416);
        assertThat(outOfOrder.header("Range")).isEqualTo("0-19999");
        var put = c.send(
                "PUT",
                withQuery(loc, "digest=" + d),
                Arrays.copyOfRange(data, 20_000, 50_000),
                Map.of("Content-Range", "20000-49999", "Content-Type", "application/octet-stream"));
        assertThat(put.status()).isEqualTo(201);
        assertThat(put.header("Location")).isEqualTo("/v2/fin/blobs/" + d);
        assertThat(c.get("/v2/fin/blobs/" + d).body()).isEqualTo(data);
        assertThat(c.get(loc).errorCodes()).containsExactly("BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void digestMismatchStoresNothingAndEndsTheSession() throws Exception {
        byte[] data = random(10_000, 4);
        Digest wrong = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
        String loc = c.post("/v2/mis/blobs/uploads/", new byte[0]).header("Location");
        c.patch(loc, data, "0-9999");
        var put = c.put(withQuery(loc, "digest=" + wrong), null, null);
        assertThat(put.status()).isEqualTo(400);
        assertThat(put.errorCodes()).containsExactly("DIGEST_INVALID");
        assertThat(c.head("/v2/mis/blobs/" + Digest.sha256(data)).status()).isEqualTo(404);
        assertThat(c.head("/v2/mis/blobs/" + wrong).status()).isEqualTo(404);
        assertThat(storedBlobFiles()).isZero();
        try (Stream<Path> s = Files.list(root.resolve("content/ingest"))) {
            assertThat(s.toList()).isEmpty();
        }
        assertThat(c.get(loc).status()).isEqualTo(404);

        var mono = c.post("/v2/mis/blobs/uploads/?digest=" + wrong, data);
        assertThat(mono.status()).isEqualTo(400);
        assertThat(mono.errorCodes()).containsExactly("DIGEST_INVALID");
        assertThat(storedBlobFiles()).isZero();
    }

    @Test
    void putWithoutDigestOrWithMalformedDigestIsRefused() {
        String loc = c.post("/v2/nodig/blobs/uploads/", new byte[0]).header("Location");
        assertThat(c.put(loc, null, null).errorCodes()).containsExactly("DIGEST_INVALID");
        var bad = c.put(withQuery(loc, "digest=sha256:xyz"), null, null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorCodes()).containsExactly("DIGEST_INVALID");
        var md5 = c.post("/v2/nodig/blobs/uploads/?digest-algorithm=md5", new byte[0]);
        assertThat(md5.status()).isEqualTo(400);
        assertThat(md5.errorCodes()).containsExactly("DIGEST_INVALID");
    }

    @Test
    void sha512BlobsUploadAndServe() {
        byte[] data = random(70_000, 5);
        Digest d = Digest.of("sha512", Digest.newHasher("sha512").digest(data));
        var start = c.post("/v2/five/blobs/uploads/?digest-algorithm=sha512", new byte[0]);
        assertThat(start.status()).isEqualTo(202);
        String loc = start.header("Location");
        c.patch(loc, data, "0-69999");
        var put = c.put(withQuery(loc, "digest=" + d), null, null);
        assertThat(put.status()).isEqualTo(201);
        assertThat(put.header("Docker-Content-Digest")).isEqualTo(d.toString());
        var get = c.get("/v2/five/blobs/" + d);
        assertThat(get.body()).isEqualTo(data);
        assertThat(get.header("Docker-Content-Digest")).startsWith("sha512:");

        byte[] mono = random(1000, 6);
        Digest md = Digest.of("sha512", Digest.newHasher("sha512").digest(mono));
        assertThat(c.post("/v2/five/blobs/uploads/?digest=" + md, mono).status())
                .isEqualTo(201);
        assertThat(c.get("/v2/five/blobs/" + md).body()).isEqualTo(mono);
    }

    @Test
    void cancelledUploadIsUnknownAfterwards() {
        String loc = c.post("/v2/cancel/blobs/uploads/", new byte[0]).header("Location");
        c.patch(loc, random(5000, 7), "0-4999");
        assertThat(c.delete(loc).status()).isEqualTo(204);
        var after = c.get(loc);
        assertThat(after.status()).isEqualTo(404);
        assertThat(after.errorCodes()).containsExactly("BLOB_UPLOAD_UNKNOWN");
        assertThat(c.patch(loc, new byte[] {1}, "0-0").errorCodes()).containsExactly("BLOB_UPLOAD_UNKNOWN");
        assertThat(c.get("/v2/cancel/blobs/uploads/not-a-uuid").status()).isEqualTo(404);
    }

    @Test
    void uploadBelongsToItsRepository() {
        String loc = c.post("/v2/one/blobs/uploads/", new byte[0]).header("Location");
        String uuid = loc.substring(loc.lastIndexOf('/') + 1);
        assertThat(c.get("/v2/two/blobs/uploads/" + uuid).errorCodes()).containsExactly("BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void crossRepositoryMountLinksWhenPresentAndStartsSessionOtherwise() throws Exception {
        byte[] data = random(20_000, 8);
        Digest d = c.pushBlob("src", data);
        var mounted = c.post("/v2/dst/blobs/uploads/?mount=" + d + "&from=src", new byte[0]);
        assertThat(mounted.status()).isEqualTo(201);
        assertThat(mounted.header("Location")).isEqualTo("/v2/dst/blobs/" + d);
        assertThat(mounted.header("Docker-Content-Digest")).isEqualTo(d.toString());
        assertThat(c.get("/v2/dst/blobs/" + d).body()).isEqualTo(data);
        assertThat(storedBlobFiles()).isEqualTo(1);

        Digest other = Digest.sha256("absent".getBytes(StandardCharsets.UTF_8));
        var fallback = c.post("/v2/dst/blobs/uploads/?mount=" + other + "&from=src", new byte[0]);
        assertThat(fallback.status()).isEqualTo(202);
        assertThat(fallback.header("Location")).startsWith("/v2/dst/blobs/uploads/");
        assertThat(fallback.header("Docker-Upload-UUID")).isNotBlank();
    }

    @Test
    void blobsAreScopedToRepositoriesAndDeletable() {
        byte[] data = random(1000, 9);
        Digest d = c.pushBlob("a", data);
        c.pushBlob("b", random(10, 10));
        var other = c.get("/v2/b/blobs/" + d);
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.errorCodes()).containsExactly("BLOB_UNKNOWN");
        var unknownRepo = c.get("/v2/nope/blobs/" + d);
        assertThat(unknownRepo.status()).isEqualTo(404);
        assertThat(unknownRepo.errorCodes()).containsExactly("NAME_UNKNOWN");
        assertThat(c.delete("/v2/a/blobs/" + d).status()).isEqualTo(202);
        assertThat(c.get("/v2/a/blobs/" + d).errorCodes()).containsExactly("BLOB_UNKNOWN");
        assertThat(c.delete("/v2/a/blobs/" + d).status()).isEqualTo(404);
    }

    @Test
    void identicalConcurrentPushesKeepOneCopy() throws Exception {
        byte[] data = random(2_000_000, 11);
        Digest d = Digest.sha256(data);
        var threads = new java.util.ArrayList<Thread>();
        var statuses = new java.util.concurrent.ConcurrentLinkedQueue<Integer>();
        for (int i = 0; i < 8; i++) {
            String repo = "same" + (i % 3);
            threads.add(Thread.ofVirtual().start(() -> {
                String loc =
                        c.post("/v2/" + repo + "/blobs/uploads/", new byte[0]).header("Location");
                c.patch(loc, data, null);
                statuses.add(c.put(withQuery(loc, "digest=" + d), null, null).status());
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(statuses).hasSize(8).containsOnly(201);
        assertThat(storedBlobFiles()).isEqualTo(1);
        for (int i = 0; i < 3; i++) {
            assertThat(Digest.sha256(c.get("/v2/same" + i + "/blobs/" + d).body()))
                    .isEqualTo(d);
        }
    }

    @Test
    void concurrentPullsOfOneBlobAllGetTheRightBytes() throws Exception {
        byte[] data = random(3_000_000, 13);
        Digest d = c.pushBlob("pulls", data);
        var bad = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        var threads = new java.util.ArrayList<Thread>();
        for (int i = 0; i < 12; i++) {
            int n = i;
            threads.add(Thread.ofVirtual().start(() -> {
                var r = n % 3 == 0
                        ? c.get("/v2/pulls/blobs/" + d, Map.of("Range", "bytes=1000000-"))
                        : c.get("/v2/pulls/blobs/" + d);
                byte[] expected = n % 3 == 0 ? Arrays.copyOfRange(data, 1_000_000, data.length) : data;
                if (!Arrays.equals(r.body(), expected)) {
                    bad.add(n + ": " + r.status() + " " + r.body().length + " bytes");
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(bad).isEmpty();
    }

    @Test
    void uploadResumesAfterServerRestart() {
        byte[] data = random(60_000, 12);
        Digest d = Digest.sha256(data);
        String loc = c.post("/v2/resume/blobs/uploads/", new byte[0]).header("Location");
        c.patch(loc, Arrays.copyOfRange(data, 0, 25_000), "0-24999");
        reg.close();
        reg = RegistryFixture.start(root);
        c = reg.client;
        var status = c.get(loc);
        assertThat(status.status()).isEqualTo(204);
        assertThat(status.header("Range")).isEqualTo("0-24999");
        assertThat(c.patch(loc, Arrays.copyOfRange(data, 25_000, 60_000), "25000-59999")
                        .status())
                .isEqualTo(202);
        assertThat(c.put(withQuery(loc, "digest=" + d), null, null).status()).isEqualTo(201);
        assertThat(c.get("/v2/resume/blobs/" + d).body()).isEqualTo(data);
    }
}
