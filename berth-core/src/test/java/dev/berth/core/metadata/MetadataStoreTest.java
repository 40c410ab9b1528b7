package dev.berth.core.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataStoreTest {
    @TempDir
    Path dir;

    private static Digest d(String s) {
        return Digest.sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    private static LayerRow layer(String name, Digest parent) {
        return new LayerRow(d("chain" + name), d("diff" + name), parent, "key-" + name, 10, null, null, 0, 1);
    }

    private static ImageRow image(String name, Digest top) {
        return new ImageRow(d("image" + name), 100, "2024-01-01T00:00:00Z", 1704067200, 20, null, top, null, 1);
    }

    @Test
    void createsSchemaOnceAndReopensAtTheSameVersion() {
        try (MetadataStore store = MetadataStore.open(dir.resolve("metadata.db"))) {
            assertThat(store.version()).isEqualTo(Schema.ALL.getLast().version());
        }
        try (MetadataStore store = MetadataStore.open(dir.resolve("metadata.db"))) {
            assertThat(store.version()).isEqualTo(Schema.ALL.getLast().version());
        }
    }

    @Test
    void refusesADatabaseFromANewerBerth() {
        MetadataStore.open(dir.resolve("m.db")).close();
        List<Migration> older = List.of();
        assertThatThrownBy(() -> MetadataStore.open(dir.resolve("m.db"), older))
                .hasMessageContaining("newer than this Berth knows");
    }

    @Test
    void layersSharedByImagesAreCountedAndFreedOnlyWhenNoImageHoldsThem() {
        try (MetadataStore store = MetadataStore.open(dir.resolve("metadata.db"))) {
            LayerRow base = layer("base", null);
            LayerRow top = layer("top", base.chainId());
            store.inTransaction(tx -> {
                tx.layers().insert(base);
                tx.layers().insert(top);
                tx.images().insert(image("a", top.chainId()), List.of(base.chainId(), top.chainId()));
                tx.images().insert(image("b", base.chainId()), List.of(base.chainId()));
                return null;
            });

            int count = store.read(tx -> tx.layers().referenceCount(base.chainId()));
            assertThat(count).isEqualTo(3);
            store.inTransaction(tx -> tx.images().delete(d("imagea")));
            List<LayerRow> unreferenced = store.read(tx -> tx.layers().unreferenced());
            assertThat(unreferenced).extracting(LayerRow::chainId).containsExactly(top.chainId());
            store.inTransaction(tx -> tx.layers().delete(top.chainId()));
            count = store.read(tx -> tx.layers().referenceCount(base.chainId()));
            assertThat(count).isEqualTo(1);
            List<Digest> layers = store.read(tx -> tx.images().layers(d("imageb")));
            assertThat(layers).containsExactly(base.chainId());
        }
    }

    @Test
    void aFailedTransactionLeavesNoRows() {
        try (MetadataStore store = MetadataStore.open(dir.resolve("metadata.db"))) {
            LayerRow base = layer("base", null);
            assertThatThrownBy(() -> store.inTransaction(tx -> {
                        tx.layers().insert(base);
                        tx.images().insert(image("a", d("missing")), List.of(d("missing")));
                        return null;
                    }))
                    .isInstanceOf(BerthException.class)
                    .extracting(e -> ((BerthException) e).kind())
                    .isEqualTo(ErrorKind.CONFLICT);
            List<LayerRow> all = store.read(tx -> tx.layers().all());
            assertThat(all).isEmpty();
        }
    }

    @Test
    void tagsMoveBetweenImagesAndReportThePreviousOne() {
        try (MetadataStore store = MetadataStore.open(dir.resolve("metadata.db"))) {
            store.inTransaction(tx -> {
                tx.images().insert(image("a", null), List.of());
                tx.images().insert(image("b", null), List.of());
                return null;
            });
            String ref = "docker.io/library/busybox:latest";
            Optional<Digest> previous = store.inTransaction(tx -> tx.tags().put(ref, d("imagea"), 1));
            assertThat(previous).isEmpty();
            previous = store.inTransaction(tx -> tx.tags().put(ref, d("imageb"), 2));
            assertThat(previous).contains(d("imagea"));
            List<String> refs = store.read(tx -> tx.tags().forImage(d("imageb")));
            assertThat(refs).containsExactly(ref);
            refs = store.read(tx -> tx.tags().forImage(d("imagea")));
            assertThat(refs).isEmpty();
            List<Digest> ids = store.read(tx ->
                    tx.images().idsWithPrefix("sha256:" + d("imagea").hex().substring(0, 6)));
            assertThat(ids).containsExactly(d("imagea"));
        }
    }

    @Test
    void repoDigestsFromBeforeVersion4AwaitTheirImageManifestAndAreRecordedOnce() {
        Path file = dir.resolve("metadata.db");
        String ref = "docker.io/library/busybox@" + d("index");
        try (MetadataStore v3 = MetadataStore.open(file, Schema.ALL.subList(0, 3))) {
            v3.inTransaction(tx -> {
                tx.images().insert(image("a", null), List.of());
                try (var s = tx.connection()
                        .prepareStatement(
                                "INSERT INTO repo_digests (reference, image_id, manifest_digest) VALUES (?, ?, ?)")) {
                    s.setString(1, ref);
                    s.setString(2, d("imagea").toString());
                    s.setString(3, d("index").toString());
                    s.executeUpdate();
                }
                return null;
            });
        }
        try (MetadataStore store = MetadataStore.open(file)) {
            assertThat(store.version()).isEqualTo(Schema.ALL.getLast().version());
            RepoDigestDao.Row legacy = new RepoDigestDao.Row(ref, d("imagea"), d("index"), null);
            List<RepoDigestDao.Row> unrecorded =
                    store.read(tx -> tx.repoDigests().withoutImageManifest());
            assertThat(unrecorded).containsExactly(legacy);

            boolean first =
                    store.inTransaction(tx -> tx.repoDigests().recordImageManifest(ref, d("index"), d("amd64")));
            boolean second =
                    store.inTransaction(tx -> tx.repoDigests().recordImageManifest(ref, d("index"), d("arm64")));
            assertThat(first).isTrue();
            assertThat(second).isFalse();

            unrecorded = store.read(tx -> tx.repoDigests().withoutImageManifest());
            assertThat(unrecorded).isEmpty();
            Optional<RepoDigestDao.Row> row = store.read(tx -> tx.repoDigests().row(ref));
            assertThat(row).contains(new RepoDigestDao.Row(ref, d("imagea"), d("index"), d("amd64")));
        }
    }

    @Test
    void repoDigestOfASingleManifestResolvesToItself() {
        try (MetadataStore store = MetadataStore.open(dir.resolve("metadata.db"))) {
            String ref = "docker.io/library/busybox@" + d("manifest");
            store.inTransaction(tx -> {
                tx.images().insert(image("a", null), List.of());
                tx.repoDigests().put(ref, d("imagea"), d("manifest"));
                return null;
            });
            List<RepoDigestDao.Row> rows = store.read(tx -> tx.repoDigests().rowsForImage(d("imagea")));
            assertThat(rows).containsExactly(new RepoDigestDao.Row(ref, d("imagea"), d("manifest"), d("manifest")));
        }
    }

    @Test
    void pullLeasesLastUntilTheyExpireOrAreReleased() {
        java.time.Instant now = java.time.Instant.parse("2026-11-28T00:00:00Z");
        try (MetadataStore store = MetadataStore.open(dir.resolve("metadata.db"))) {
            store.inTransaction(tx -> {
                tx.pullLeases().lease(List.of(d("a"), d("b")), now.plusSeconds(60));
                tx.pullLeases().lease(List.of(d("old")), now.minusSeconds(1));
                return null;
            });
            java.util.Set<Digest> live = store.read(tx -> tx.pullLeases().live(now));
            assertThat(live).containsExactlyInAnyOrder(d("a"), d("b"));

            store.inTransaction(tx -> {
                tx.pullLeases().lease(List.of(d("a")), now.plusSeconds(3600)); // a later pull moves the expiry
                tx.pullLeases().release(List.of(d("b")));
                return null;
            });
            java.util.Set<Digest> later = store.read(tx -> tx.pullLeases().live(now.plusSeconds(120)));
            assertThat(later).containsExactly(d("a"));
            int expired = store.inTransaction(tx -> tx.pullLeases().deleteExpired(now));
            assertThat(expired).isEqualTo(1);
            java.util.Set<Digest> kept = store.read(tx -> tx.pullLeases().live(now.minusSeconds(3600)));
            assertThat(kept).containsExactly(d("a"));
        }
    }
}
