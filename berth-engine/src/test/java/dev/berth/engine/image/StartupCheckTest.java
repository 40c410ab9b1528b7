package dev.berth.engine.image;

import static dev.berth.engine.image.ImageLoaderTest.APP;
import static dev.berth.engine.image.ImageLoaderTest.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.digest.Digest;
import dev.berth.testing.TestImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupCheckTest {
    @TempDir
    Path dir;

    @Test
    void whatACrashedLoadLeftIsRemovedAndTheNextLoadSucceeds() throws Exception {
        TestImage img = TestImage.of(List.of(BASE, APP), "2024-01-01T00:00:00Z", List.of("app:1"));
        try (ImageFixture f = new ImageFixture(dir)) {
            // The state a load killed before its transaction leaves: blobs, a committed and an active snapshot, a
            // partial ingest.
            f.blobs.ingest(new ByteArrayInputStream(BASE), null, -1);
            f.blobs.ingest(new ByteArrayInputStream(img.config()), null, -1);
            Path active = f.snapshots.prepare("extract-crashed", null);
            Files.writeString(active.resolve("half"), "written");
            f.snapshots.prepare(LayerStore.snapshotName(Digest.sha256(BASE)), null);
            try (var w = f.blobs.writer("load-in-progress")) {
                w.output().write(new byte[] {1, 2, 3});
            }
        }
        try (ImageFixture restarted = new ImageFixture(dir)) {
            StartupCheck.Report report = restarted.startupCheck().run();

            assertThat(report.missing()).isEmpty();
            assertThat(report.removed()).hasSize(5);
            assertThat(restarted.blobs.list()).isEmpty();
            assertThat(restarted.blobs.ingests()).isEmpty();
            assertThat(restarted.snapshots.list()).isEmpty();

            restarted.load(TestImage.dockerSave(List.of(img)));
            assertThat(restarted.services.resolver().resolve("app:1")).isEqualTo(Digest.parse(img.id()));
            assertThat(restarted.startupCheck().run().removed()).isEmpty();
        }
    }

    @Test
    void layersNoImageHoldsAfterAnRmiKilledBetweenItsTransactionsAreRemoved() throws Exception {
        TestImage img = TestImage.of(List.of(BASE, APP), "2024-01-01T00:00:00Z", List.of("app:1"));
        try (ImageFixture f = new ImageFixture(dir)) {
            f.load(TestImage.dockerSave(List.of(img)));
            // what an rmi killed after its image transaction and before its layers' leaves
            f.db.inTransaction(tx -> {
                tx.tags().delete("docker.io/library/app:1");
                return tx.images().delete(Digest.parse(img.id()));
            });
        }
        try (ImageFixture restarted = new ImageFixture(dir)) {
            StartupCheck.Report report = restarted.startupCheck().run();

            assertThat(report.removed())
                    .contains(
                            "layer row " + Digest.sha256(BASE),
                            "snapshot " + LayerStore.snapshotName(Digest.sha256(BASE)));
            List<dev.berth.core.metadata.LayerRow> layers =
                    restarted.db.read(tx -> tx.layers().all());
            assertThat(layers).isEmpty();
            assertThat(restarted.blobs.list()).isEmpty();
            assertThat(restarted.snapshots.list()).isEmpty();
        }
    }

    @Test
    void recentPartialDownloadsStayForAPullToResumeAndOldOrUselessOnesGo() throws Exception {
        Digest recent = Digest.sha256(new byte[] {1});
        Digest old = Digest.sha256(new byte[] {2});
        Digest complete = Digest.sha256(BASE);
        try (ImageFixture f = new ImageFixture(dir)) {
            for (Digest d : List.of(recent, old, complete)) {
                try (var w = f.blobs.writer(StartupCheck.RESUMABLE_PREFIX + d)) {
                    w.output().write(new byte[] {1, 2, 3});
                }
            }
            Files.setLastModifiedTime(
                    dir.resolve("content/ingest/pull-sha256%3A" + old.hex()),
                    FileTime.from(Instant.now().minus(Duration.ofHours(25))));
            // The blob got complete through another ingest (a load) after this download broke off.
            f.blobs.ingest(new ByteArrayInputStream(BASE), complete, BASE.length);
            f.load(TestImage.dockerSave(
                    List.of(TestImage.of(List.of(BASE), "2024-01-01T00:00:00Z", List.of("base:1")))));

            StartupCheck.Report report = f.startupCheck().run();

            assertThat(report.kept()).containsExactly("partial download " + StartupCheck.RESUMABLE_PREFIX + recent);
            assertThat(report.removed())
                    .containsExactlyInAnyOrder(
                            "partial ingest " + StartupCheck.RESUMABLE_PREFIX + old,
                            "partial ingest " + StartupCheck.RESUMABLE_PREFIX + complete);
            assertThat(f.blobs.ingests()).containsExactly(StartupCheck.RESUMABLE_PREFIX + recent);
            try (var resumed = f.blobs.writer(StartupCheck.RESUMABLE_PREFIX + recent)) {
                assertThat(resumed.offset()).isEqualTo(3);
            }
        }
    }

    @Test
    void blobsOfAnUnfinishedPullStayWhileTheirLeaseLasts() throws Exception {
        byte[] otherBytes = {7, 7, 7};
        Digest leased = Digest.sha256(BASE);
        Digest expired = Digest.sha256(otherBytes);
        try (ImageFixture f = new ImageFixture(dir)) {
            f.blobs.ingest(new ByteArrayInputStream(BASE), leased, BASE.length);
            f.blobs.ingest(new ByteArrayInputStream(otherBytes), expired, otherBytes.length);
            Instant now = f.parts.clock().instant();
            f.parts.db().inTransaction(tx -> {
                tx.pullLeases().lease(List.of(leased), now.plus(Duration.ofHours(1)));
                tx.pullLeases().lease(List.of(expired), now.minusSeconds(1));
                return null;
            });

            StartupCheck.Report report = f.startupCheck().run();

            assertThat(report.kept()).containsExactly("blob " + leased + " of an unfinished pull");
            assertThat(f.blobs.list()).containsExactly(leased);
            assertThat(report.removed()).singleElement().asString().contains(expired.hex());
            java.util.Set<Digest> live = f.parts.db().read(tx -> tx.pullLeases().live(now.minus(Duration.ofDays(1))));
            assertThat(live).containsExactly(leased);
        }
    }

    @Test
    void rowsWhoseFilesAreMissingAreReportedWithPathsAndTheCheckStillCompletes() throws Exception {
        TestImage img = TestImage.of(List.of(BASE), "2024-01-01T00:00:00Z", List.of("app:1"));
        try (ImageFixture f = new ImageFixture(dir)) {
            f.load(TestImage.dockerSave(List.of(img)));
            f.snapshots.remove(LayerStore.snapshotName(Digest.sha256(BASE)));
            f.blobs.delete(Digest.parse(img.id()));

            StartupCheck.Report report = f.startupCheck().run();

            assertThat(report.missing())
                    .containsExactlyInAnyOrder(
                            "layer " + Digest.sha256(BASE) + ": snapshot " + f.layerDir(Digest.sha256(BASE))
                                    + " is missing",
                            "image " + Digest.parse(img.id()) + ": config "
                                    + dir.resolve("content/blobs/sha256/"
                                            + Digest.parse(img.id()).hex()) + " is missing");
            assertThat(f.blobs.contains(Digest.sha256(BASE))).isTrue();
        }
    }
}
