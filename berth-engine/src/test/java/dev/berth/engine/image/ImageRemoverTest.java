package dev.berth.engine.image;

import static dev.berth.engine.image.ImageLoaderTest.APP;
import static dev.berth.engine.image.ImageLoaderTest.BASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.digest.ChainId;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.image.ImageConfig;
import dev.berth.core.image.Raw;
import dev.berth.testing.TestImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageRemoverTest {
    @TempDir
    Path dir;

    ImageFixture f;
    Digest id;

    @BeforeEach
    void setUp() {
        f = new ImageFixture(dir);
        TestImage img = TestImage.of(List.of(BASE), "2024-01-01T00:00:00Z", List.of("busybox:latest"));
        id = f.load(TestImage.dockerSave(List.of(img))).getFirst().id();
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void removingOneOfTwoTagsUntagsAndKeepsTheImage() {
        f.services.tags().tag("busybox", "mybox", "v1");

        List<DeleteItem> result = f.services.remover().remove("mybox:v1", false, false);

        assertThat(result).containsExactly(DeleteItem.untagged("mybox:v1"));
        assertThat(f.services.resolver().resolve("busybox:latest")).isEqualTo(id);
        assertThat(f.snapshots.list()).hasSize(1);
    }

    @Test
    void removingTheLastTagDeletesImageAndLayerFilesAndBlobs() {
        List<DeleteItem> result = f.services.remover().remove("busybox", false, false);

        assertThat(result)
                .containsExactly(
                        DeleteItem.untagged("busybox:latest"),
                        DeleteItem.deleted(id.toString()),
                        DeleteItem.deleted(Digest.sha256(BASE).toString()));
        assertThat(f.snapshots.list()).isEmpty();
        assertThat(f.blobs.list()).isEmpty();
        assertThat(f.services.resolver().find(id.toString())).isEmpty();
        assertThat(f.actions()).contains("untag " + id, "delete " + id);
    }

    @Test
    void byIdWithTagsInTwoRepositoriesNeedsForce() {
        f.services.tags().tag("busybox", "other", "1");

        assertThatThrownBy(() -> f.services.remover().remove(id.hex().substring(0, 12), false, false))
                .isInstanceOf(BerthException.class)
                .hasMessage("conflict: unable to delete " + id.shortHex()
                        + " (must be forced) - image is referenced in multiple repositories")
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.CONFLICT);

        List<DeleteItem> forced = f.services.remover().remove(id.hex().substring(0, 12), true, false);
        assertThat(forced).extracting(DeleteItem::untagged).contains("busybox:latest", "other:1");
        assertThat(forced).extracting(DeleteItem::deleted).contains(id.toString());
        assertThat(f.services.queries().list(Map.of(), true, false)).isEmpty();
    }

    @Test
    void byIdWithOneTagRemovesTagAndImage() {
        List<DeleteItem> result = f.services.remover().remove(id.toString(), false, false);
        assertThat(result.getFirst()).isEqualTo(DeleteItem.untagged("busybox:latest"));
        assertThat(result).contains(DeleteItem.deleted(id.toString()));
    }

    @Test
    void aSharedLayerStaysWhileAnotherImageHoldsIt() throws Exception {
        TestImage app = TestImage.of(List.of(BASE, APP), "2024-01-02T00:00:00Z", List.of("app:1"));
        f.load(TestImage.dockerSave(List.of(app)));

        f.services.remover().remove("app:1", false, false);

        assertThat(f.snapshots.list()).containsExactly(LayerStore.snapshotName(Digest.sha256(BASE)));
        assertThat(Files.readString(f.layerDir(Digest.sha256(BASE)).resolve("bin/sh")))
                .isEqualTo("shell");
        assertThat(f.blobs.list()).containsExactlyInAnyOrder(id, Digest.sha256(BASE));
        assertThat(f.services.layers().get(ChainId.of(List.of(Digest.sha256(BASE), Digest.sha256(APP)))))
                .isEmpty();
    }

    @Test
    void aContainerVetoesRemoval() {
        f.users.add(new ImageUsers.User("0123456789abcdef", true));

        assertThatThrownBy(() -> f.services.remover().remove(id.toString(), true, false))
                .hasMessageContaining("(cannot be forced) - image is being used by running container 0123456789ab");
        f.users.clear();
        f.users.add(new ImageUsers.User("0123456789abcdef", false));
        assertThatThrownBy(() -> f.services.remover().remove(id.toString(), false, false))
                .hasMessageContaining("(must be forced) - image is being used by stopped container 0123456789ab");
    }

    @Test
    void theLastTagOfAnImageAContainerUsesGoesOnlyWithForceAndTheImageStaysDangling() {
        f.users.add(new ImageUsers.User("0123456789abcdef", false));

        assertThatThrownBy(() -> f.services.remover().remove("busybox", false, false))
                .hasMessage("conflict: unable to remove repository reference \"busybox\" (must force) - container "
                        + "0123456789ab is using its referenced image " + id.shortHex())
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.CONFLICT);
        assertThat(f.services.resolver().resolve("busybox:latest")).isEqualTo(id);

        assertThat(f.services.remover().remove("busybox", true, false))
                .containsExactly(DeleteItem.untagged("busybox:latest"));
        assertThat(f.services.resolver().find("busybox:latest")).isEmpty();
        assertThat(f.services.resolver().resolve(id.toString())).isEqualTo(id);
        assertThat(f.snapshots.list()).hasSize(1);
    }

    @Test
    void aRunningContainersImageLosesItsTagWithForceButStays() {
        f.users.add(new ImageUsers.User("0123456789abcdef", true));

        assertThat(f.services.remover().remove("busybox:latest", true, false))
                .containsExactly(DeleteItem.untagged("busybox:latest"));
        assertThat(f.services.resolver().resolve(id.hex())).isEqualTo(id);
    }

    @Test
    void byIdWithForceAStoppedContainersImageIsUntaggedAndKept() {
        f.users.add(new ImageUsers.User("0123456789abcdef", false));

        assertThat(f.services.remover().remove(id.hex().substring(0, 12), true, false))
                .containsExactly(DeleteItem.untagged("busybox:latest"));
        assertThat(f.services.resolver().resolve(id.hex())).isEqualTo(id);

        f.users.clear();
        assertThat(f.services.remover().remove(id.hex().substring(0, 12), false, false))
                .contains(DeleteItem.deleted(id.toString()));
    }

    @Test
    void removingTheLastTagOfARepositoryAlsoDropsItsDigestReferences() throws Exception {
        TestImage pulled = TestImage.of(List.of(APP), "2024-01-01T00:00:00Z", List.of());
        Digest manifest = f.blobs
                .ingest(new java.io.ByteArrayInputStream("{}".getBytes()), null, -1)
                .digest();
        dev.berth.core.reference.ImageReference tag = dev.berth.core.reference.ImageReference.parse("web:1");
        dev.berth.core.reference.ImageReference digestRef =
                dev.berth.core.reference.ImageReference.parse("web").withDigest(manifest);
        f.blobs.ingest(new java.io.ByteArrayInputStream(APP), null, -1);
        Digest pulledId = f.services
                .store()
                .add(
                        Raw.parse(pulled.config(), ImageConfig.class, "image config"),
                        List.of(new LayerBlob(
                                Digest.sha256(APP), APP.length, dev.berth.core.image.MediaTypes.OCI_LAYER)),
                        List.of(tag),
                        Map.of(digestRef, RepoDigest.of(manifest)),
                        null,
                        ProgressListener.NONE)
                .id();
        assertThat(f.services.queries().inspect("web:1").repoDigests()).containsExactly("web@" + manifest);
        assertThat(f.services.resolver().resolve("web@" + manifest)).isEqualTo(pulledId);

        List<DeleteItem> result = f.services.remover().remove("web:1", false, false);

        assertThat(result)
                .startsWith(DeleteItem.untagged("web:1"), DeleteItem.untagged("web@" + manifest))
                .contains(DeleteItem.deleted(pulledId.toString()));
        assertThat(f.blobs.contains(manifest)).isFalse();
        assertThat(f.blobs.list()).containsExactlyInAnyOrder(id, Digest.sha256(BASE));
    }

    @Test
    void unknownImageIsNotFoundWithDockersMessage() {
        assertThatThrownBy(() -> f.services.remover().remove("nope", false, false))
                .hasMessage("No such image: nope:latest")
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.NOT_FOUND);
    }

    @Test
    void pruneRemovesDanglingImagesOnlyUnlessAskedForAll() {
        TestImage old = TestImage.of(List.of(APP), "2023-01-01T00:00:00Z", List.of("app:latest"));
        Digest oldId = f.load(TestImage.dockerSave(List.of(old))).getFirst().id();
        TestImage newer = TestImage.of(List.of(APP, BASE), "2024-02-01T00:00:00Z", List.of("app:latest"));
        f.load(TestImage.dockerSave(List.of(newer)));

        ImageRemover.PruneReport dangling = f.services.remover().prune(Map.of());

        assertThat(dangling.deleted()).contains(DeleteItem.deleted(oldId.toString()));
        assertThat(f.services.resolver().find("busybox")).contains(id);
        ImageRemover.PruneReport all = f.services.remover().prune(Map.of("dangling", List.of("false")));
        assertThat(all.deleted()).extracting(DeleteItem::untagged).contains("busybox:latest", "app:latest");
        assertThat(all.spaceReclaimed()).isPositive();
        assertThat(f.services.queries().list(Map.of(), true, false)).isEmpty();
        assertThat(f.snapshots.list()).isEmpty();
    }

    @Test
    void pruneRejectsUnknownFilters() {
        assertThatThrownBy(() -> f.services.remover().prune(Map.of("color", List.of("red"))))
                .hasMessage("invalid filter 'color'");
    }
}
