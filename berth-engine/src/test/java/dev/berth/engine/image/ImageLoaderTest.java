package dev.berth.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.digest.ChainId;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.image.BusyboxImage;
import dev.berth.testing.Layers;
import dev.berth.testing.TarBuilder;
import dev.berth.testing.TestImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLoaderTest {
    @TempDir
    Path dir;

    ImageFixture f;

    static final byte[] BASE = Layers.of(Map.of("bin/sh", "shell", "etc/passwd", "root:x:0:0::/root:/bin/sh\n"));
    static final byte[] APP = Layers.of(Map.of("app/run", "hello"));

    @BeforeEach
    void setUp() {
        f = new ImageFixture(dir);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    /** The CLI's {@code berth image bootstrap busybox} tar loads like any docker save tar. */
    @Test
    void loadsTheBootstrapBusyboxImageAsBusyboxLatestWithCmdSh() throws Exception {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        BusyboxImage busybox = new BusyboxImage(
                "#!fake busybox\n".getBytes(StandardCharsets.UTF_8),
                List.of("sh", "ls", "[", "busybox", "cat"),
                "amd64");
        Digest id = busybox.writeSaveTar(BusyboxImage.DEFAULT_TAG, tar);
        assertThat(f.loadPrinting(tar.toByteArray())).containsExactly("Loaded image: busybox:latest");
        assertThat(f.services.resolver().resolve("busybox")).isEqualTo(id);
        ImageDetails d = f.services.queries().inspect("busybox");
        assertThat(d.config().cmd()).containsExactly("sh");
        assertThat(d.config().env()).anySatisfy(e -> assertThat(e).startsWith("PATH="));
        assertThat(d.layers()).hasSize(1);
        assertThat(Files.readString(f.layerDir(d.layers().getFirst()).resolve("etc/passwd")))
                .startsWith("root:");
    }

    @Test
    void loadsDockerSaveFormatWithImageIdFromConfigBytesAndPrintsLikeDocker() throws Exception {
        TestImage img = TestImage.of(List.of(BASE, APP), "2024-01-02T03:04:05Z", List.of("busybox:latest"));

        List<String> printed = f.loadPrinting(TestImage.dockerSave(List.of(img)));

        assertThat(printed).containsExactly("Loaded image: busybox:latest");
        Digest id = f.services.resolver().resolve("busybox");
        assertThat(id).isEqualTo(Digest.parse(img.id()));
        Digest top = ChainId.of(List.of(Digest.sha256(BASE), Digest.sha256(APP)));
        assertThat(Files.readString(f.layerDir(top).resolve("app/run"))).isEqualTo("hello");
        assertThat(Files.readString(f.layerDir(top).resolve("bin/sh"))).isEqualTo("shell");
        assertThat(f.actions()).containsExactly("load " + id);
    }

    @Test
    void untaggedImagesPrintTheirId() {
        TestImage img = TestImage.of(List.of(BASE), "2024-01-02T03:04:05Z", List.of());
        assertThat(f.loadPrinting(TestImage.dockerSave(List.of(img))))
                .containsExactly("Loaded image ID: " + Digest.parse(img.id()));
    }

    @Test
    void loadsTheOlderDockerLayoutWithSymlinkedLayers() {
        // dockerd 20.10 writes <v1id>/layer.tar; a layer repeated in the stack is a symlink to the first copy.
        TestImage img = TestImage.of(List.of(BASE, BASE), "2024-01-02T03:04:05Z", List.of("old:1"));

        List<ImageLoader.Loaded> loaded = f.load(img.legacyArchive(true));

        assertThat(loaded).extracting(ImageLoader.Loaded::id).containsExactly(Digest.parse(img.id()));
        assertThat(f.services.resolver().resolve("old:1")).isEqualTo(Digest.parse(img.id()));
        // The v1 json and VERSION files are not kept: only config and layer blobs remain.
        assertThat(f.blobs.list()).containsExactlyInAnyOrder(Digest.parse(img.id()), Digest.sha256(BASE));
    }

    @Test
    void loadsAPureOciLayoutWithGzippedLayersNamedByRefAnnotation() throws Exception {
        TestImage img = TestImage.builder()
                .gzippedLayer(APP)
                .created("2024-01-02T03:04:05Z")
                .build();

        f.load(img.ociArchive("example.com/app:v1"));

        assertThat(f.services.resolver().resolve("example.com/app:v1")).isEqualTo(Digest.parse(img.id()));
        assertThat(Files.readString(f.layerDir(Digest.sha256(APP)).resolve("app/run")))
                .isEqualTo("hello");
    }

    @Test
    void twoImagesSharingABaseLayerUnpackItOnce() {
        TestImage a = TestImage.of(List.of(BASE), "2024-01-01T00:00:00Z", List.of("a:1"));
        TestImage b = TestImage.of(List.of(BASE, APP), "2024-01-02T00:00:00Z", List.of("b:1"));

        f.load(TestImage.dockerSave(List.of(a)));
        f.load(TestImage.dockerSave(List.of(b)));

        assertThat(f.snapshots.list())
                .containsExactlyInAnyOrder(
                        LayerStore.snapshotName(Digest.sha256(BASE)),
                        LayerStore.snapshotName(ChainId.of(List.of(Digest.sha256(BASE), Digest.sha256(APP)))));
        int refs = f.db.read(tx -> tx.layers().referenceCount(Digest.sha256(BASE)));
        assertThat(refs).isEqualTo(3); // two images and the child layer
    }

    @Test
    void aLayerWhoseDiffIdDiffersFromTheConfigIsRefusedAndLeavesNothing() {
        TestImage lying = TestImage.builder()
                .layer(APP)
                .diffIds(Digest.sha256(BASE).toString())
                .tags("liar:1")
                .build();

        assertThatThrownBy(() -> f.load(lying.dockerSave()))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("diff ID " + Digest.sha256(APP))
                .hasMessageContaining("says " + Digest.sha256(BASE))
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.DATA_LOSS);
        assertThat(f.snapshots.list()).isEmpty();
        assertThat(f.blobs.list()).isEmpty();
        assertThat(f.services.resolver().find("liar:1")).isEmpty();
    }

    @Test
    void aBlobWhoseContentDoesNotMatchItsNameIsRefused() {
        TestImage img = TestImage.of(List.of(BASE), "2024-01-01T00:00:00Z", List.of("x:1"));
        byte[] tar = new TarBuilder()
                .file(TestImage.blobPath(Digest.sha256(BASE).toString()), APP)
                .file("manifest.json", "[]")
                .build();

        assertThatThrownBy(() -> f.load(tar))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining(Digest.sha256(BASE).toString())
                .hasMessageContaining(Digest.sha256(APP).toString());
        assertThat(f.blobs.list()).isEmpty();
        assertThat(img).isNotNull();
    }

    @Test
    void garbageIsAnInvalidArgument() {
        assertThatThrownBy(() -> f.load("this is not a tar archive at all".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BerthException.class)
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.INVALID_ARGUMENT);
        byte[] noManifest = new TarBuilder().file("hello.txt", "hi").build();
        assertThatThrownBy(() -> f.load(noManifest)).hasMessageContaining("neither manifest.json nor index.json");
        assertThat(f.blobs.list()).isEmpty();
    }

    @Test
    void loadingATagThatExistsMovesItAndSaysSo() {
        TestImage one = TestImage.of(List.of(BASE), "2024-01-01T00:00:00Z", List.of("app:latest"));
        TestImage two = TestImage.of(List.of(APP), "2024-01-02T00:00:00Z", List.of("app:latest"));
        f.load(TestImage.dockerSave(List.of(one)));

        List<String> printed = f.loadPrinting(TestImage.dockerSave(List.of(two)));

        assertThat(printed)
                .containsExactly(
                        "The image app:latest already exists, renaming the old one with ID " + Digest.parse(one.id())
                                + " to empty string",
                        "Loaded image: app:latest");
        assertThat(f.services.resolver().resolve("app")).isEqualTo(Digest.parse(two.id()));
        assertThat(f.services.queries().list(Map.of("dangling", List.of("true")), false, false))
                .extracting(ImageSummary::id)
                .containsExactly(Digest.parse(one.id()));
    }
}
