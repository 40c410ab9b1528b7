package dev.berth.registry.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.content.BlobStore;
import dev.berth.core.content.LocalBlobStore;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.registry.Registry;
import dev.berth.registry.error.RegistryException;
import dev.berth.registry.http.RegistryClient;
import dev.berth.registry.http.RegistryFixture;
import dev.berth.registry.manifest.MediaTypes;
import dev.berth.registry.storage.RepositoryStore;
import dev.berth.registry.storage.RootLock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GarbageCollectorTest {
    @TempDir
    Path root;

    /** The registry's content store, as the collector sees it on disk. */
    private BlobStore content() {
        return new LocalBlobStore(root.resolve("content"));
    }

    private RepositoryStore repositories() {
        return new RepositoryStore(root.resolve("repositories"));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Digest put(Registry r, String repo, byte[] data) {
        return r.uploads()
                .put(repo, Digest.sha256(data), new ByteArrayInputStream(data), data.length)
                .digest();
    }

    static byte[] manifest(Digest config, long configSize, Digest layer, long layerSize) {
        return utf8("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config + "\",\"size\":" + configSize
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layer
                + "\",\"size\":" + layerSize + "}]}");
    }

    /** Makes every link in the repository look {@code age} old. */
    static void age(Path root, String repo, Duration age) throws Exception {
        try (var s = Files.walk(root.resolve("repositories").resolve(repo))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(age)));
            }
        }
    }

    @Test
    void uploadBytesWhoseSessionStateIsGoneArePurgedOnceIdle() throws Exception {
        try (Registry r = Registry.open(root)) {
            var live = r.uploads().start("app", null);
            r.uploads().append("app", live.uuid(), null, null, new ByteArrayInputStream(utf8("kept")), 4);
            String orphan = "registry-upload-" + java.util.UUID.randomUUID();
            try (var w = content().writer(orphan)) {
                w.output().write(utf8("left by a crash"));
            }
            assertThat(r.uploads().purge(Instant.now().minus(Duration.ofHours(1))))
                    .isZero();
            assertThat(content().ingests()).contains(orphan);

            assertThat(r.uploads().purge(Instant.now().plusSeconds(5))).isEqualTo(2);
            assertThat(content().ingests()).isEmpty();
        }
    }

    @Test
    void collectsUnreferencedBlobsAndKeepsEverythingAManifestNames() throws Exception {
        try (Registry r = Registry.open(root)) {
            byte[] config = utf8("{\"os\":\"linux\"}");
            byte[] layer = utf8("layer bytes");
            Digest cd = put(r, "app", config);
            Digest ld = put(r, "app", layer);
            byte[] m = manifest(cd, config.length, ld, layer.length);
            Digest md = r.manifests()
                    .put("app", "v1", MediaTypes.OCI_MANIFEST, m, List.of())
                    .digest();
            Digest stray = put(r, "app", utf8("stray"));
            Digest deletedImageLayer = put(r, "old", utf8("old layer"));
            Digest oldConfig = put(r, "old", utf8("{}"));
            Digest oldManifest = r.manifests()
                    .put("old", "v0", MediaTypes.OCI_MANIFEST, manifest(oldConfig, 2, deletedImageLayer, 9), List.of())
                    .digest();
            r.manifests().delete("old", oldManifest.toString());

            var report = r.collector(Duration.ZERO, Duration.ofDays(1)).collect();
            assertThat(report.deleted()).containsExactlyInAnyOrder(stray, deletedImageLayer, oldConfig, oldManifest);
            assertThat(content().list()).containsExactlyInAnyOrder(cd, ld, md);
            assertThat(r.manifests().manifest("app", "v1").bytes()).isEqualTo(m);
            assertThatThrownBy(() -> r.blobs().blob("app", stray)).isInstanceOf(RegistryException.class);
            assertThat(repositories().hasBlob("app", stray)).isFalse();
        }
    }

    @Test
    void keepsUnreferencedBlobsLinkedOrUsedWithinTheDelay() throws Exception {
        try (Registry r = Registry.open(root)) {
            Digest fresh = put(r, "a", utf8("fresh"));
            Digest old = put(r, "b", utf8("old"));
            age(root, "b", Duration.ofHours(2));
            var gc = r.collector(Duration.ofHours(1), Duration.ofDays(1));
            assertThat(gc.collect().deleted()).containsExactly(old);
            assertThat(content().contains(fresh)).isTrue();

            Digest used = put(r, "c", utf8("used recently"));
            age(root, "c", Duration.ofHours(2));
            r.blobs().blob("c", used); // a HEAD/GET renews the link: a client is about to rely on it
            assertThat(gc.collect().deleted()).isEmpty();
        }
    }

    @Test
    void manifestPushedBetweenMarkAndSweepKeepsItsBlobs() {
        try (Registry r = Registry.open(root)) {
            byte[] config = utf8("{\"late\":true}");
            byte[] layer = utf8("late layer");
            Digest cd = put(r, "late", config);
            Digest ld = put(r, "late", layer);
            var gc = r.collector(Duration.ZERO, Duration.ofDays(1));
            gc.afterMark = () -> r.manifests()
                    .put(
                            "late",
                            "v1",
                            MediaTypes.OCI_MANIFEST,
                            manifest(cd, config.length, ld, layer.length),
                            List.of());
            assertThat(gc.collect().deleted()).isEmpty();
            assertThat(content().contains(cd)).isTrue();
            assertThat(content().contains(ld)).isTrue();
            assertThat(r.manifests().manifest("late", "v1").bytes()).isNotEmpty();
        }
    }

    /**
     * With no grace at all, a manifest pushed while the collector marks must still keep its blobs:
     * the journal catches it. Pushes may be refused (their blobs were garbage when they arrived),
     * but a manifest that was accepted never loses a blob.
     */
    @Test
    void manifestsAcceptedDuringCollectionNeverLoseTheirBlobs() throws Exception {
        try (Registry r = Registry.open(root)) {
            int sets = 120;
            List<Digest[]> blobs = new ArrayList<>();
            for (int i = 0; i < sets; i++) {
                byte[] config = utf8("{\"n\":" + i + "}");
                byte[] layer = utf8("layer " + i);
                blobs.add(new Digest[] {put(r, "race", config), put(r, "race", layer)});
            }
            AtomicBoolean done = new AtomicBoolean();
            AtomicInteger collections = new AtomicInteger();
            ConcurrentLinkedQueue<Digest> accepted = new ConcurrentLinkedQueue<>();
            List<Thread> pushers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int from = t;
                pushers.add(Thread.ofPlatform().start(() -> {
                    for (int i = from; i < sets; i += 4) {
                        Digest[] b = blobs.get(i);
                        byte[] m = manifest(b[0], utf8("{\"n\":" + i + "}").length, b[1], utf8("layer " + i).length);
                        try {
                            accepted.add(r.manifests()
                                    .put("race", "t" + i, MediaTypes.OCI_MANIFEST, m, List.of())
                                    .digest());
                        } catch (RegistryException refused) {
                            assertThat(refused.code().name()).isEqualTo("MANIFEST_BLOB_UNKNOWN");
                        }
                    }
                }));
            }
            // Let a few pushes in first, so that some are accepted before and some during collections.
            while (accepted.size() < 3) {
                Thread.onSpinWait();
            }
            Thread collector = Thread.ofPlatform().start(() -> {
                var gc = r.collector(Duration.ZERO, Duration.ofDays(1));
                while (!done.get()) {
                    gc.collect();
                    collections.incrementAndGet();
                }
            });
            for (Thread p : pushers) {
                p.join();
            }
            done.set(true);
            collector.join();
            r.collector(Duration.ZERO, Duration.ofDays(1)).collect();
            assertThat(collections.get()).isGreaterThan(0);
            assertThat(accepted).isNotEmpty();
            for (Digest md : accepted) {
                var mf = r.manifests().manifest("race", md.toString());
                assertThat(Digest.sha256(mf.bytes())).isEqualTo(md);
                String json = new String(mf.bytes(), StandardCharsets.UTF_8);
                for (Digest[] b : blobs) {
                    if (json.contains(b[0].toString())) {
                        assertThat(content().contains(b[0]))
                                .as("config of %s", md)
                                .isTrue();
                        assertThat(content().contains(b[1]))
                                .as("layer of %s", md)
                                .isTrue();
                    }
                }
            }
        }
    }

    /** Full pushes over HTTP (layers first, manifest last) while the registry collects continuously. */
    @Test
    void concurrentPushesOverHttpAllSucceedWhileOldGarbageGoes() throws Exception {
        List<Digest> garbage = new ArrayList<>();
        try (var reg = RegistryFixture.start(root)) {
            for (int i = 0; i < 10; i++) {
                garbage.add(reg.client.pushBlob("junk", utf8("garbage " + i)));
            }
        }
        age(root, "junk", Duration.ofHours(3));
        try (var reg = RegistryFixture.start(root)) {
            RegistryClient c = reg.client;
            AtomicBoolean done = new AtomicBoolean();
            Thread collector = Thread.ofPlatform().start(() -> {
                while (!done.get()) {
                    assertThat(c.post("/_berth/gc", new byte[0]).status()).isEqualTo(200);
                }
            });
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String[]> pushed = new ConcurrentLinkedQueue<>();
            List<Thread> pushers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                pushers.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 8; i++) {
                        String repo = "push" + id;
                        byte[] base = utf8("shared base layer");
                        byte[] layer = BlobEndpointsHelper.random(200_000, id * 100L + i);
                        byte[] config = utf8("{\"id\":" + id + ",\"i\":" + i + "}");
                        Digest bd = c.pushBlob(repo, base);
                        Digest ld = c.pushBlob(repo, layer);
                        Digest cd = c.pushBlob(repo, config);
                        byte[] m = utf8("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                                + "\",\"config\":"
                                + "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + cd
                                + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci."
                                + "image.layer.v1.tar\",\"digest\":\"" + bd + "\",\"size\":" + base.length
                                + "},{\"mediaType\":"
                                + "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + ld + "\",\"size\":"
                                + layer.length + "}]}");
                        var res = c.put("/v2/" + repo + "/manifests/v" + i, m, MediaTypes.OCI_MANIFEST);
                        if (res.status() != 201) {
                            failures.add(repo + ":v" + i + " " + res.status() + " " + res.text());
                        } else {
                            pushed.add(new String[] {repo, "v" + i, bd.toString(), ld.toString(), cd.toString()});
                        }
                    }
                }));
            }
            for (Thread p : pushers) {
                p.join();
            }
            done.set(true);
            collector.join();
            assertThat(failures).isEmpty();
            assertThat(pushed).hasSize(32);
            assertThat(c.post("/_berth/gc", new byte[0]).json().path("deleted")).isEmpty();
            for (String[] p : pushed) {
                assertThat(c.get("/v2/" + p[0] + "/manifests/" + p[1]).status()).isEqualTo(200);
                for (int k = 2; k < 5; k++) {
                    var blob = c.get("/v2/" + p[0] + "/blobs/" + p[k]);
                    assertThat(blob.status()).isEqualTo(200);
                    assertThat(Digest.sha256(blob.body()).toString()).isEqualTo(p[k]);
                }
            }
            for (Digest g : garbage) {
                assertThat(c.head("/v2/junk/blobs/" + g).status()).isEqualTo(404);
                assertThat(Files.exists(root.resolve("content/blobs/sha256").resolve(g.hex())))
                        .isFalse();
            }
        }
    }

    @Test
    void idleUploadSessionsAreEndedAndActiveOnesKept() throws Exception {
        try (Registry r = Registry.open(root)) {
            var idle = r.uploads().start("up", null);
            var active = r.uploads().start("up", null);
            r.uploads().append("up", idle.uuid(), 0L, 2L, new ByteArrayInputStream(utf8("abc")), 3);
            Files.setLastModifiedTime(
                    root.resolve("uploads").resolve(idle.uuid() + ".json"),
                    FileTime.from(Instant.now().minus(Duration.ofDays(8))));
            var report = r.collector(Duration.ZERO, Duration.ofDays(7)).collect();
            assertThat(report.uploadsPurged()).isEqualTo(1);
            assertThatThrownBy(() -> r.uploads().status("up", idle.uuid())).isInstanceOf(RegistryException.class);
            assertThat(r.uploads().status("up", active.uuid()).offset()).isZero();
        }
    }

    @Test
    void uploadWhoseFileWasClosedForIdlenessResumesAndCompletes() {
        try (Registry r = Registry.open(root)) {
            byte[] data = utf8("0123456789abcdefghij");
            var up = r.uploads().start("idle", null);
            r.uploads()
                    .append("idle", up.uuid(), 0L, 9L, new ByteArrayInputStream(java.util.Arrays.copyOf(data, 10)), 10);
            assertThat(r.uploads().closeIdleWriters(Instant.now().plusSeconds(1)))
                    .isEqualTo(1);
            assertThat(r.uploads().status("idle", up.uuid()).offset()).isEqualTo(10);
            var info = r.uploads()
                    .finish(
                            "idle",
                            up.uuid(),
                            Digest.sha256(data),
                            10L,
                            19L,
                            new ByteArrayInputStream(java.util.Arrays.copyOfRange(data, 10, 20)),
                            10);
            assertThat(info.digest()).isEqualTo(Digest.sha256(data));
            assertThat(r.blobs().blob("idle", info.digest()).size()).isEqualTo(20);
        }
    }

    @Test
    void offlineCollectionIsRefusedWhileAServerHoldsTheRoot() {
        try (var reg = RegistryFixture.start(root)) {
            assertThatThrownBy(() -> RootLock.acquire(root, "berth registry gc"))
                    .isInstanceOfSatisfying(BerthException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
                        assertThat(e.getMessage()).contains("berth registry serve");
                    });
        }
        try (RootLock lock = RootLock.acquire(root, "berth registry gc")) {
            assertThat(lock).isNotNull();
        }
    }

    /** Random bytes without reaching into another test class's package-private helpers. */
    static final class BlobEndpointsHelper {
        static byte[] random(int n, long seed) {
            byte[] b = new byte[n];
            new java.util.Random(seed).nextBytes(b);
            return b;
        }
    }
}
