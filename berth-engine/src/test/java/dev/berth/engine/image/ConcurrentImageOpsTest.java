package dev.berth.engine.image;

import static dev.berth.engine.image.ImageLoaderTest.APP;
import static dev.berth.engine.image.ImageLoaderTest.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.digest.ChainId;
import dev.berth.core.digest.Digest;
import dev.berth.testing.Layers;
import dev.berth.testing.TestImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentImageOpsTest {
    @TempDir
    Path dir;

    @Test
    void parallelLoadsSharingABaseUnpackItOnceAndAllSucceed() throws Exception {
        try (ImageFixture f = new ImageFixture(dir);
                ExecutorService pool = Executors.newFixedThreadPool(6)) {
            List<Callable<Digest>> loads = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                byte[] top = Layers.of(Map.of("app/" + i, "app " + i));
                TestImage img = TestImage.of(List.of(BASE, top), "2024-01-01T00:00:00Z", List.of("app:" + i));
                byte[] tar = TestImage.dockerSave(List.of(img));
                loads.add(() -> f.load(tar).getFirst().id());
            }
            List<Digest> ids = new ArrayList<>();
            for (Future<Digest> future : pool.invokeAll(loads)) {
                ids.add(future.get());
            }

            assertThat(ids).doesNotHaveDuplicates().hasSize(6);
            assertThat(f.services.queries().list(Map.of(), false, false)).hasSize(6);
            assertThat(f.snapshots.list()).hasSize(7).contains(LayerStore.snapshotName(Digest.sha256(BASE)));
            int refs = f.db.read(tx -> tx.layers().referenceCount(Digest.sha256(BASE)));
            assertThat(refs).isEqualTo(12);
        }
    }

    @Test
    void removingAnImageWhileAnotherWithTheSameLayersLoadsLosesNothing() throws Exception {
        try (ImageFixture f = new ImageFixture(dir);
                ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < 5; round++) {
                TestImage a = TestImage.of(List.of(BASE, APP), "2024-01-01T00:00:00Z", List.of("a:1"));
                TestImage b = TestImage.of(List.of(BASE, APP), "2024-01-02T00:00:00Z", List.of("b:1"));
                f.load(TestImage.dockerSave(List.of(a)));
                byte[] tarB = TestImage.dockerSave(List.of(b));

                Future<?> load = pool.submit(() -> f.load(tarB));
                Future<?> remove = pool.submit(() -> f.services.remover().remove("a:1", false, false));
                load.get();
                remove.get();

                Digest top = ChainId.of(List.of(Digest.sha256(BASE), Digest.sha256(APP)));
                assertThat(f.services.resolver().find("b:1")).contains(Digest.parse(b.id()));
                assertThat(f.snapshots.exists(LayerStore.snapshotName(top))).isTrue();
                assertThat(f.snapshots.exists(LayerStore.snapshotName(Digest.sha256(BASE))))
                        .isTrue();
                assertThat(f.blobs.contains(Digest.sha256(APP))).isTrue();
                assertThat(f.startupCheck().run().missing()).isEmpty();
                f.services.remover().remove("b:1", false, false);
                assertThat(f.snapshots.list()).isEmpty();
            }
        }
    }
}
