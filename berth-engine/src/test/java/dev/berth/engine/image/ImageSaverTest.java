package dev.berth.engine.image;

import static dev.berth.engine.image.ImageLoaderTest.APP;
import static dev.berth.engine.image.ImageLoaderTest.BASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.digest.Digest;
import dev.berth.core.image.ImageJson;
import dev.berth.core.image.Index;
import dev.berth.core.image.SaveManifestEntry;
import dev.berth.testing.TestImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSaverTest {
    @TempDir
    Path dir;

    ImageFixture f;

    @BeforeEach
    void setUp() {
        f = new ImageFixture(dir.resolve("a"));
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private byte[] save(String... names) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        f.services.saver().save(f.services.saver().plan(List.of(names)), out);
        return out.toByteArray();
    }

    static Map<String, byte[]> entries(byte[] tar) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                out.put(e.getName(), e.isFile() ? in.readAllBytes() : null);
            }
        }
        return out;
    }

    @Test
    void savesDocker25LayoutThatLoadsElsewhereWithTheSameId() throws Exception {
        TestImage img = TestImage.of(List.of(BASE, APP), "2024-01-01T00:00:00Z", List.of("app:1", "app:2"));
        Digest id = f.load(TestImage.dockerSave(List.of(img))).getFirst().id();

        byte[] tar = save("app");

        Map<String, byte[]> entries = entries(tar);
        assertThat(entries)
                .containsKeys(
                        "oci-layout",
                        "index.json",
                        "manifest.json",
                        "blobs/sha256/" + id.hex(),
                        "blobs/sha256/" + Digest.sha256(BASE).hex(),
                        "blobs/sha256/" + Digest.sha256(APP).hex());
        SaveManifestEntry[] manifest = ImageJson.parse(entries.get("manifest.json"), SaveManifestEntry[].class, "m");
        assertThat(manifest).hasSize(1);
        assertThat(manifest[0].config()).isEqualTo("blobs/sha256/" + id.hex());
        assertThat(manifest[0].repoTags()).containsExactlyInAnyOrder("app:1", "app:2");
        assertThat(manifest[0].layers())
                .containsExactly(
                        "blobs/sha256/" + Digest.sha256(BASE).hex(),
                        "blobs/sha256/" + Digest.sha256(APP).hex());
        Index index = ImageJson.parse(entries.get("index.json"), Index.class, "i");
        assertThat(index.manifests())
                .extracting(d -> d.annotation(Index.CONTAINERD_IMAGE_NAME))
                .containsExactlyInAnyOrder("docker.io/library/app:1", "docker.io/library/app:2");

        try (ImageFixture other = new ImageFixture(dir.resolve("b"))) {
            List<String> printed = other.loadPrinting(tar);
            assertThat(printed).containsExactlyInAnyOrder("Loaded image: app:1", "Loaded image: app:2");
            assertThat(other.services.resolver().resolve("app:2")).isEqualTo(id);
        }
        assertThat(f.actions()).contains("save " + id);
    }

    @Test
    void savingByIdWritesNoTags() throws Exception {
        TestImage img = TestImage.of(List.of(BASE), "2024-01-01T00:00:00Z", List.of("app:1"));
        Digest id = f.load(TestImage.dockerSave(List.of(img))).getFirst().id();
        SaveManifestEntry[] manifest = ImageJson.parse(
                entries(save(id.hex().substring(0, 12))).get("manifest.json"), SaveManifestEntry[].class, "m");
        assertThat(manifest[0].repoTags()).isEmpty();
    }

    @Test
    void unknownNamesFailBeforeAnyByteIsWritten() {
        assertThatThrownBy(() -> f.services.saver().plan(List.of("nope"))).hasMessage("No such image: nope:latest");
    }
}
