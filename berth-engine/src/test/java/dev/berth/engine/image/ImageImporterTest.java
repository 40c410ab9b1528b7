package dev.berth.engine.image;

import static dev.berth.engine.image.ImageLoaderTest.BASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.image.ContainerConfig;
import dev.berth.core.image.ImageConfig;
import dev.berth.testing.Blobs;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageImporterTest {
    @TempDir
    Path dir;

    ImageFixture f;

    @BeforeEach
    void setUp() {
        f = new ImageFixture(dir);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private Digest importTar(byte[] tar, String repo, String tag, List<String> changes) {
        return f.services
                .importer()
                .importImage(
                        new ByteArrayInputStream(tar),
                        new ImageImporter.Request(repo, tag, "imported by test", changes),
                        ProgressListener.NONE);
    }

    @Test
    void importsAGzippedRootfsWithChangesAndATag() throws Exception {
        Digest id = importTar(
                Blobs.gzip(BASE),
                "myimport",
                "v1",
                List.of(
                        "CMD [\"sh\", \"-c\", \"echo hi\"]",
                        "ENV A=1 B=\"two words\"",
                        "ENTRYPOINT /bin/entry --flag",
                        "WORKDIR /srv",
                        "WORKDIR app",
                        "USER nobody",
                        "LABEL a=b",
                        "EXPOSE 80 53/udp",
                        "VOLUME /data",
                        "STOPSIGNAL SIGTERM"));

        assertThat(f.services.resolver().resolve("myimport:v1")).isEqualTo(id);
        ImageConfig config = f.services.store().config(id).value();
        ContainerConfig c = config.config();
        assertThat(c.cmd()).containsExactly("sh", "-c", "echo hi");
        assertThat(c.entrypoint()).containsExactly("/bin/sh", "-c", "/bin/entry --flag");
        assertThat(c.env()).containsExactly("A=1", "B=two words");
        assertThat(c.workingDir()).isEqualTo("/srv/app");
        assertThat(c.user()).isEqualTo("nobody");
        assertThat(c.labels()).containsEntry("a", "b");
        assertThat(c.exposedPorts()).containsOnlyKeys("80/tcp", "53/udp");
        assertThat(c.volumes()).containsOnlyKeys("/data");
        assertThat(c.stopSignal()).isEqualTo("SIGTERM");
        assertThat(config.comment()).isEqualTo("imported by test");
        assertThat(config.diffIds()).containsExactly(Digest.sha256(BASE));
        assertThat(Files.readString(f.layerDir(Digest.sha256(BASE)).resolve("bin/sh")))
                .isEqualTo("shell");
        assertThat(f.actions()).containsExactly("tag myimport:v1", "import " + id);
    }

    @Test
    void untaggedImportIsDangling() {
        Digest id = importTar(BASE, null, null, List.of());
        assertThat(f.services.queries().list(Map.of("dangling", List.of("true")), false, false))
                .extracting(ImageSummary::id)
                .containsExactly(id);
    }

    @Test
    void anUnknownChangeIsRefusedBeforeAnythingIsStored() {
        assertThatThrownBy(() -> importTar(BASE, "x", null, List.of("RUN rm -rf /")))
                .isInstanceOf(BerthException.class)
                .hasMessage("run is not a valid change command");
        assertThat(f.blobs.list()).isEmpty();
    }

    @Test
    void aBodyThatIsNotATarLeavesNothing() {
        assertThatThrownBy(() -> importTar(
                        "definitely not a tar, just some text that is long enough"
                                .repeat(20)
                                .getBytes(),
                        "x",
                        null,
                        List.of()))
                .isInstanceOf(BerthException.class);
        assertThat(f.blobs.list()).isEmpty();
        assertThat(f.snapshots.list()).isEmpty();
    }
}
