package dev.berth.it;

import dev.berth.core.digest.Digest;
import dev.berth.core.image.ContainerConfig;
import dev.berth.core.image.History;
import dev.berth.core.image.ImageConfig;
import dev.berth.core.image.ImageJson;
import dev.berth.core.image.Raw;
import dev.berth.core.image.RootFs;
import dev.berth.core.image.SaveManifestEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** docker-save archives of large images, built from layer tars on disk, for load tests. */
final class SaveArchives {
    private SaveArchives() {}

    /** An uncompressed layer tar holding one file of {@code bytes} random bytes at {@code name}. */
    static Path randomLayer(Path dir, String name, long bytes) {
        Path content = TestImages.randomFile(dir.resolve(name + ".bin"), bytes);
        Path layer = dir.resolve(name + ".layer.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(layer))) {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(bytes);
            tar.putArchiveEntry(e);
            Files.copy(content, tar);
            tar.closeArchiveEntry();
            tar.finish();
            Files.delete(content);
            return layer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Docker 25+ style save tar (blobs/sha256 + manifest.json) of one image made of {@code layers}. */
    static Path archive(Path out, List<Path> layers, String tag) {
        try {
            List<Digest> diffIds = new ArrayList<>();
            for (Path l : layers) {
                diffIds.add(sha256(l));
            }
            Raw<ImageConfig> config = Raw.of(new ImageConfig(
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
                    RootFs.layers(diffIds),
                    List.of(new History("2024-01-01T00:00:00Z", null, "test layers", null, false))));
            List<String> paths =
                    diffIds.stream().map(d -> "blobs/sha256/" + d.hex()).toList();
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(out))) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                for (int i = 0; i < layers.size(); i++) {
                    TarArchiveEntry e = new TarArchiveEntry(paths.get(i));
                    e.setSize(Files.size(layers.get(i)));
                    tar.putArchiveEntry(e);
                    Files.copy(layers.get(i), tar);
                    tar.closeArchiveEntry();
                }
                bytes(tar, "blobs/sha256/" + config.digest().hex(), config.bytes());
                bytes(
                        tar,
                        "manifest.json",
                        ImageJson.bytes(List.of(SaveManifestEntry.of(
                                "blobs/sha256/" + config.digest().hex(), List.of(tag), paths))));
                tar.finish();
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void bytes(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    static Digest sha256(Path file) throws IOException {
        var hasher = Digest.newHasher("sha256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                hasher.update(buf, 0, n);
            }
        }
        return Digest.of("sha256", hasher.digest());
    }
}
