package dev.berth.daemon;

import dev.berth.core.digest.Digest;
import dev.berth.core.image.ContainerConfig;
import dev.berth.core.image.History;
import dev.berth.core.image.ImageConfig;
import dev.berth.core.image.ImageJson;
import dev.berth.core.image.Raw;
import dev.berth.core.image.RootFs;
import dev.berth.core.image.SaveManifestEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** One-layer images as {@code docker save} writes them, for {@code POST /images/load}. */
public final class ImageArchives {
    private ImageArchives() {}

    /** A layer holding one regular file. */
    public static byte[] layer(String name, String content) {
        return tar(Map.of(name, content.getBytes(StandardCharsets.UTF_8)));
    }

    /** An amd64 linux config over {@code layer}, created 2024-01-01, with Cmd [sh]. */
    public static Raw<ImageConfig> config(byte[] layer) {
        return Raw.of(new ImageConfig(
                "amd64",
                null,
                "linux",
                null,
                null,
                null,
                "2024-01-01T00:00:00Z",
                null,
                null,
                null,
                ContainerConfig.EMPTY.withCmd(List.of("sh")),
                RootFs.layers(List.of(Digest.sha256(layer))),
                List.of(new History("2024-01-01T00:00:00Z", null, "ADD hello.txt /", null, false))));
    }

    /** The archive: blobs, and a manifest.json entry naming {@code tags}. */
    public static byte[] saveTar(Raw<ImageConfig> config, byte[] layer, List<String> tags) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("blobs/sha256/" + Digest.sha256(layer).hex(), layer);
        files.put("blobs/sha256/" + config.digest().hex(), config.bytes());
        files.put(
                "manifest.json",
                ImageJson.bytes(List.of(SaveManifestEntry.of(
                        "blobs/sha256/" + config.digest().hex(),
                        tags,
                        List.of("blobs/sha256/" + Digest.sha256(layer).hex())))));
        return tar(files);
    }

    /** A tar of regular files, in the map's order. */
    public static byte[] tar(Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (var f : files.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(f.getValue().length);
                tar.putArchiveEntry(e);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
