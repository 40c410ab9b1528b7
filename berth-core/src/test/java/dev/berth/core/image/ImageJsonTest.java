package dev.berth.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ImageJsonTest {
    // As real Docker writes it (busybox, trimmed), including fields Berth does not model.
    private static final String DOCKER_CONFIG = """
            {"architecture":"amd64","config":{"Hostname":"","Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],\
            "Cmd":["sh"],"ExposedPorts":{"80/tcp":{}},"Labels":{"b":"2","a":"1"},"OnBuild":null},"created":"2024-09-26T21:31:42.123456789Z",\
            "docker_version":"20.10.23","history":[{"created":"2024-09-26T21:31:42Z","created_by":"/bin/sh -c #(nop) ADD file:abc in / "},\
            {"created":"2024-09-26T21:31:42Z","created_by":"/bin/sh -c #(nop)  CMD [\\"sh\\"]","empty_layer":true}],"os":"linux",\
            "rootfs":{"type":"layers","diff_ids":["sha256:59654b79daad74f7dcb5b5ea5b2d9b0fa9b2e1e6b8c9a6d3e1f2a3b4c5d6e7f8"]}}""";

    @Test
    void rawConfigKeepsItsBytesAndDigest() {
        byte[] bytes = DOCKER_CONFIG.getBytes(StandardCharsets.UTF_8);
        Raw<ImageConfig> raw = Raw.parse(bytes, ImageConfig.class, "image config");

        assertThat(raw.digest()).isEqualTo(Digest.sha256(bytes));
        assertThat(raw.bytes()).isEqualTo(bytes);
        ImageConfig config = raw.value();
        assertThat(config.architecture()).isEqualTo("amd64");
        assertThat(config.config().cmd()).containsExactly("sh");
        assertThat(config.config().exposedPorts()).containsOnlyKeys("80/tcp");
        assertThat(config.dockerVersion()).isEqualTo("20.10.23");
        assertThat(config.createdInstant()).hasToString("2024-09-26T21:31:42.123456789Z");
        assertThat(config.diffIds()).hasSize(1);
        assertThat(config.history()).extracting(History::emptyLayer).containsExactly(false, true);
    }

    @Test
    void berthMadeJsonIsDeterministicWithSortedMapsAndNoNulls() {
        Map<String, String> labels = new TreeMap<>(Map.of("z", "1", "a", "2"));
        ContainerConfig cc = ContainerConfig.EMPTY
                .withCmd(List.of("sh"))
                .withLabels(labels)
                .withExposedPorts(Map.of("80/tcp", Map.of()));
        ImageConfig config = new ImageConfig(
                "amd64",
                null,
                "linux",
                null,
                null,
                null,
                "1970-01-01T00:00:00Z",
                null,
                null,
                null,
                cc,
                RootFs.layers(List.of()),
                List.of(new History("1970-01-01T00:00:00Z", null, "x", null, false)));

        String json = new String(ImageJson.bytes(config), StandardCharsets.UTF_8);

        assertThat(json)
                .isEqualTo(
                        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"1970-01-01T00:00:00Z\","
                                + "\"config\":{\"ExposedPorts\":{\"80/tcp\":{}},\"Cmd\":[\"sh\"],\"Labels\":{\"a\":\"2\",\"z\":\"1\"}},"
                                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"history\":[{\"created\":\"1970-01-01T00:00:00Z\",\"created_by\":\"x\"}]}");
        assertThat(Raw.of(config).digest()).isEqualTo(Raw.of(config).digest());
    }

    @Test
    void manifestAndIndexRoundTrip() {
        Digest d = Digest.sha256("x".getBytes(StandardCharsets.UTF_8));
        Manifest manifest = Manifest.oci(
                Descriptor.of(MediaTypes.OCI_CONFIG, d, 1), List.of(Descriptor.of(MediaTypes.OCI_LAYER, d, 10)));
        Index index = Index.oci(List.of(
                Descriptor.of(MediaTypes.OCI_MANIFEST, d, 5).withAnnotations(Map.of(Index.REF_NAME, "latest"))));

        assertThat(ImageJson.parse(ImageJson.bytes(manifest), Manifest.class, "manifest"))
                .isEqualTo(manifest);
        Index back = ImageJson.parse(ImageJson.bytes(index), Index.class, "index");
        assertThat(back.manifests().getFirst().annotation(Index.REF_NAME)).isEqualTo("latest");
        assertThat(new String(ImageJson.bytes(manifest), StandardCharsets.UTF_8))
                .startsWith(
                        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\"");
    }

    @Test
    void dockerSaveManifestUsesDockerFieldNames() {
        String json =
                "[{\"Config\":\"blobs/sha256/aa\",\"RepoTags\":[\"busybox:latest\"],\"Layers\":[\"blobs/sha256/bb\"]}]";
        SaveManifestEntry[] entries =
                ImageJson.parse(json.getBytes(StandardCharsets.UTF_8), SaveManifestEntry[].class, "manifest.json");

        assertThat(entries)
                .containsExactly(
                        SaveManifestEntry.of("blobs/sha256/aa", List.of("busybox:latest"), List.of("blobs/sha256/bb")));
        assertThat(new String(ImageJson.bytes(entries[0]), StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"Config\":\"blobs/sha256/aa\",\"RepoTags\":[\"busybox:latest\"],\"Layers\":[\"blobs/sha256/bb\"]}");
    }

    @Test
    void malformedJsonIsAnInvalidArgumentNamingTheDocument() {
        assertThatThrownBy(() -> ImageJson.parse(
                        "{\"rootfs\":{\"diff_ids\":[\"md5:zz\"]}}".getBytes(StandardCharsets.UTF_8),
                        ImageConfig.class,
                        "image config"))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("invalid image config")
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.INVALID_ARGUMENT);
        assertThatThrownBy(
                        () -> ImageJson.parse("not json".getBytes(StandardCharsets.UTF_8), Manifest.class, "manifest"))
                .hasMessageContaining("invalid manifest");
    }
}
