package dev.berth.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An image for tests: a config and its layers (in memory or on disk, maybe gzipped), with the
 * archives and layouts clients exchange: {@code docker save} as Docker 25+ and dockerd 20.10 write
 * it, an OCI archive, an OCI image layout. Its JSON is written here with Jackson, not with
 * Berth's image model, so that a fixture never shares a bug with the code it checks.
 *
 * <p>Defaults: linux/amd64, created 2024-01-01, Cmd [sh], Env [PATH=/bin], history one
 * {@code ADD layer<i> /} per layer and a {@code CMD [sh]} entry without a layer.
 */
public final class TestImage {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String REF_NAME = "org.opencontainers.image.ref.name";

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final byte[] OCI_LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

    /**
     * One layer as stored: {@code bytes} in memory or {@code file} on disk (the other null).
     *
     * @param digest {@code sha256:<hex>} of the stored blob
     * @param diffId {@code sha256:<hex>} of the uncompressed tar
     */
    public record Layer(String digest, String diffId, long size, boolean gzipped, byte[] bytes, Path file) {
        public String mediaType() {
            return gzipped ? OCI_LAYER_GZIP : OCI_LAYER;
        }

        void writeTo(OutputStream out) throws IOException {
            if (bytes != null) {
                out.write(bytes);
            } else {
                Files.copy(file, out);
            }
        }
    }

    private final byte[] config;
    private final List<Layer> layers;
    private final List<String> tags;

    private TestImage(byte[] config, List<Layer> layers, List<String> tags) {
        this.config = config;
        this.layers = List.copyOf(layers);
        this.tags = List.copyOf(tags);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** An image of these uncompressed layers, created at {@code created}, tagged {@code tags}; the defaults otherwise. */
    public static TestImage of(List<byte[]> layers, String created, List<String> tags) {
        Builder builder = builder().created(created).tags(tags.toArray(String[]::new));
        layers.forEach(builder::layer);
        return builder.build();
    }

    /** The image ID: {@code sha256:<hex>} of the config bytes. */
    public String id() {
        return Blobs.sha256(config);
    }

    public byte[] config() {
        return config.clone();
    }

    public List<Layer> layers() {
        return layers;
    }

    public List<String> tags() {
        return tags;
    }

    /** The same config and layers under other tags. */
    public TestImage withTags(String... tags) {
        return new TestImage(config, layers, List.of(tags));
    }

    /** The OCI manifest of this image. */
    public byte[] manifest() {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", OCI_MANIFEST);
        manifest.put("config", descriptor(OCI_CONFIG, id(), config.length));
        manifest.put(
                "layers",
                layers.stream()
                        .map(l -> descriptor(l.mediaType(), l.digest(), l.size()))
                        .toList());
        return json(manifest);
    }

    /** Docker 25+'s {@code docker save}: blobs/sha256, index.json, manifest.json, oci-layout. */
    public byte[] dockerSave() {
        return dockerSave(List.of(this));
    }

    /** One {@code docker save} of several images. */
    public static byte[] dockerSave(List<TestImage> images) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeDockerSave(images, out);
        return out.toByteArray();
    }

    /** {@link #dockerSave} streamed to a file: layers on disk are copied, never held in memory. */
    public Path writeDockerSave(Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            writeDockerSave(List.of(this), out);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeDockerSave(List<TestImage> images, OutputStream out) {
        Archive archive = new Archive(out);
        List<Object> index = new ArrayList<>();
        List<Object> entries = new ArrayList<>();
        for (TestImage image : images) {
            image.layers.forEach(l -> archive.blob(l.digest(), l));
            archive.blob(image.id(), image.config);
            byte[] manifest = image.manifest();
            archive.blob(Blobs.sha256(manifest), manifest);
            index.add(descriptor(OCI_MANIFEST, Blobs.sha256(manifest), manifest.length));
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("Config", blobPath(image.id()));
            entry.put("RepoTags", image.tags);
            entry.put(
                    "Layers",
                    image.layers.stream().map(l -> blobPath(l.digest())).toList());
            entries.add(entry);
        }
        archive.file("index.json", json(ordered("schemaVersion", 2, "manifests", index)));
        archive.file("manifest.json", json(entries));
        archive.file("oci-layout", OCI_LAYOUT);
        archive.finish();
    }

    /** A pure OCI image layout as a tar: index.json names the image by {@code refName} (or not, when null). */
    public byte[] ociArchive(String refName) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Archive archive = new Archive(out);
        archive.file("oci-layout", OCI_LAYOUT);
        archive.blob(id(), config);
        layers.forEach(l -> archive.blob(l.digest(), l));
        byte[] manifest = manifest();
        archive.blob(Blobs.sha256(manifest), manifest);
        archive.file("index.json", index(manifest, refName));
        archive.finish();
        return out.toByteArray();
    }

    /** The layout dockerd 20.10 writes: {@code <v1id>/layer.tar}, {@code <id>.json}, manifest.json, repositories. */
    public byte[] legacyArchive(boolean linkSecondLayerToFirst) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Archive archive = new Archive(out);
        List<String> layerPaths = new ArrayList<>();
        String first = null;
        for (int i = 0; i < layers.size(); i++) {
            String v1 =
                    Blobs.sha256(("v1-" + i).getBytes(StandardCharsets.UTF_8)).substring("sha256:".length());
            archive.file(v1 + "/VERSION", "1.0".getBytes(StandardCharsets.UTF_8));
            archive.file(v1 + "/json", json(Map.of("id", v1)));
            if (i == 1 && linkSecondLayerToFirst) {
                archive.symlink(v1 + "/layer.tar", "../" + first + "/layer.tar");
            } else {
                archive.file(v1 + "/layer.tar", layers.get(i));
            }
            first = first == null ? v1 : first;
            layerPaths.add(v1 + "/layer.tar");
        }
        String configName = id().substring("sha256:".length()) + ".json";
        archive.file(configName, config);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("Config", configName);
        entry.put("RepoTags", tags);
        entry.put("Layers", layerPaths);
        archive.file("manifest.json", json(List.of(entry)));
        archive.file("repositories", "{}".getBytes(StandardCharsets.UTF_8));
        archive.finish();
        return out.toByteArray();
    }

    /**
     * An OCI image layout directory (what skopeo reads as {@code oci:<dir>:<refName>}).
     *
     * @return the manifest's bytes (their digest names the image in a registry)
     */
    public byte[] writeOciLayout(Path dir, String refName) {
        try {
            Files.createDirectories(dir.resolve("blobs/sha256"));
            Files.write(dir.resolve("oci-layout"), OCI_LAYOUT);
            for (Layer l : layers) {
                try (OutputStream out = Files.newOutputStream(dir.resolve(blobPath(l.digest())))) {
                    l.writeTo(out);
                }
            }
            Files.write(dir.resolve(blobPath(id())), config);
            byte[] manifest = manifest();
            Files.write(dir.resolve(blobPath(Blobs.sha256(manifest))), manifest);
            Files.write(dir.resolve("index.json"), index(manifest, refName));
            return manifest;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] index(byte[] manifest, String refName) {
        Map<String, Object> descriptor = descriptor(OCI_MANIFEST, Blobs.sha256(manifest), manifest.length);
        if (refName != null) {
            descriptor.put("annotations", Map.of(REF_NAME, refName));
        }
        return json(ordered("schemaVersion", 2, "manifests", List.of(descriptor)));
    }

    /** {@code blobs/sha256/<hex>}: where an OCI layout keeps the blob of {@code digest}. */
    public static String blobPath(String digest) {
        return "blobs/" + digest.replace(':', '/');
    }

    private static Map<String, Object> descriptor(String mediaType, String digest, long size) {
        return ordered("mediaType", mediaType, "digest", digest, "size", size);
    }

    /** A JSON object with its keys in the order given: the same image gives the same bytes every run. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tar of the archive's files, each blob once. */
    private static final class Archive {
        private final TarBuilder tar;
        private final java.util.Set<String> blobs = new java.util.HashSet<>();

        Archive(OutputStream out) {
            tar = TarBuilder.to(out);
        }

        void blob(String digest, byte[] bytes) {
            if (blobs.add(digest)) {
                file(blobPath(digest), bytes);
            }
        }

        void blob(String digest, Layer layer) {
            if (blobs.add(digest)) {
                file(blobPath(digest), layer);
            }
        }

        void file(String name, byte[] bytes) {
            tar.file(name, bytes);
        }

        void file(String name, Layer layer) {
            if (layer.bytes() != null) {
                tar.file(name, layer.bytes());
                return;
            }
            try (InputStream in = Files.newInputStream(layer.file())) {
                tar.file(name, layer.size(), in, 0644, e -> {});
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void symlink(String name, String target) {
            tar.symlink(name, target);
        }

        void finish() {
            tar.finish();
        }
    }

    /** The parts of an image; {@link #build} writes its config. */
    public static final class Builder {
        private final List<Layer> layers = new ArrayList<>();
        private String architecture = "amd64";
        private String created = "2024-01-01T00:00:00Z";
        private List<String> cmd = List.of("sh");
        private List<String> env = List.of("PATH=/bin");
        private Map<String, String> labels = Map.of();
        private List<String> history;
        private List<String> diffIds;
        private List<String> tags = List.of();

        private Builder() {}

        /** An uncompressed layer. */
        public Builder layer(byte[] tar) {
            String digest = Blobs.sha256(tar);
            layers.add(new Layer(digest, digest, tar.length, false, tar.clone(), null));
            return this;
        }

        /** A layer stored gzipped (its diff ID is still the tar's). */
        public Builder gzippedLayer(byte[] tar) {
            byte[] gz = Blobs.gzip(tar);
            layers.add(new Layer(Blobs.sha256(gz), Blobs.sha256(tar), gz.length, true, gz, null));
            return this;
        }

        /** An uncompressed layer on disk, copied only when an archive is written. */
        public Builder layer(Path tar) {
            String digest = Blobs.sha256(tar);
            try {
                layers.add(new Layer(digest, digest, Files.size(tar), false, null, tar));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        public Builder architecture(String architecture) {
            this.architecture = architecture;
            return this;
        }

        public Builder created(String created) {
            this.created = created;
            return this;
        }

        public Builder cmd(String... cmd) {
            this.cmd = List.of(cmd);
            return this;
        }

        public Builder env(String... env) {
            this.env = List.of(env);
            return this;
        }

        public Builder labels(Map<String, String> labels) {
            this.labels = new TreeMap<>(labels); // sorted keys, as Go writes a map
            return this;
        }

        /** The history: one entry per layer, created by these texts (no entry without a layer). */
        public Builder history(String... createdBy) {
            this.history = List.of(createdBy);
            return this;
        }

        /** What the config says the layers' diff IDs are, for an image that lies about its layers. */
        public Builder diffIds(String... diffIds) {
            this.diffIds = List.of(diffIds);
            return this;
        }

        public Builder tags(String... tags) {
            this.tags = List.of(tags);
            return this;
        }

        public TestImage build() {
            Map<String, Object> containerConfig = new LinkedHashMap<>();
            containerConfig.put("Env", env);
            containerConfig.put("Cmd", cmd);
            if (!labels.isEmpty()) {
                containerConfig.put("Labels", labels);
            }
            List<Map<String, Object>> entries = new ArrayList<>();
            if (history != null) {
                history.forEach(text -> entries.add(historyEntry(text, false)));
            } else {
                for (int i = 0; i < layers.size(); i++) {
                    entries.add(historyEntry("ADD layer" + i + " /", false));
                }
                entries.add(historyEntry("CMD " + cmd, true));
            }
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("architecture", architecture);
            config.put("os", "linux");
            config.put("created", created);
            config.put("config", containerConfig);
            config.put(
                    "rootfs",
                    ordered(
                            "type",
                            "layers",
                            "diff_ids",
                            diffIds != null
                                    ? diffIds
                                    : layers.stream().map(Layer::diffId).toList()));
            config.put("history", entries);
            return new TestImage(json(config), layers, tags);
        }

        private Map<String, Object> historyEntry(String createdBy, boolean empty) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("created", created);
            entry.put("created_by", createdBy);
            if (empty) {
                entry.put("empty_layer", true);
            }
            return entry;
        }
    }
}
