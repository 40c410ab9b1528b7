package dev.berth.engine.image;

import dev.berth.core.digest.Digest;
import dev.berth.core.image.ContainerConfig;
import dev.berth.core.image.Descriptor;
import dev.berth.core.image.History;
import dev.berth.core.image.ImageConfig;
import dev.berth.core.image.ImageJson;
import dev.berth.core.image.Index;
import dev.berth.core.image.Manifest;
import dev.berth.core.image.MediaTypes;
import dev.berth.core.image.Raw;
import dev.berth.core.image.RootFs;
import dev.berth.core.image.SaveManifestEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Builds layer tars, image configs and save-format archives for tests. */
final class TestImages {
    private TestImages() {}

    /** A layer tar with the given files (path → content), directories made implicitly. */
    static byte[] layer(Map<String, String> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                byte[] data = f.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(data.length);
                e.setModTime(0);
                tar.putArchiveEntry(e);
                tar.write(data);
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static Raw<ImageConfig> config(
            List<byte[]> uncompressedLayers, String created, Map<String, String> labels, List<String> cmd) {
        List<Digest> diffIds = uncompressedLayers.stream().map(Digest::sha256).toList();
        List<History> history = new ArrayList<>();
        for (int i = 0; i < diffIds.size(); i++) {
            history.add(new History(created, null, "ADD layer" + i + " /", null, false));
        }
        history.add(new History(created, null, "CMD " + cmd, null, true));
        ContainerConfig cc = ContainerConfig.EMPTY
                .withCmd(cmd)
                .withEnv(List.of("PATH=/bin"))
                .withLabels(labels.isEmpty() ? null : labels);
        return Raw.of(new ImageConfig(
                "amd64",
                null,
                "linux",
                null,
                null,
                null,
                created,
                null,
                null,
                null,
                cc,
                RootFs.layers(diffIds),
                history));
    }

    /** An image to put into an archive: config plus layer blobs as they are to be stored (maybe gzipped). */
    record Image(Raw<ImageConfig> config, List<byte[]> layerBlobs, List<String> repoTags) {
        static Image of(List<byte[]> layers, String created, List<String> tags) {
            return new Image(TestImages.config(layers, created, Map.of(), List.of("sh")), layers, tags);
        }
    }

    /** Docker 25+'s save format: blobs/sha256 + index.json + manifest.json + oci-layout. */
    static byte[] dockerArchive(List<Image> images) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        List<SaveManifestEntry> entries = new ArrayList<>();
        List<Descriptor> index = new ArrayList<>();
        for (Image img : images) {
            files.put(blobPath(img.config().digest()), img.config().bytes());
            List<String> layerPaths = new ArrayList<>();
            List<Descriptor> layerDescriptors = new ArrayList<>();
            for (byte[] l : img.layerBlobs()) {
                Digest d = Digest.sha256(l);
                files.put(blobPath(d), l);
                layerPaths.add(blobPath(d));
                layerDescriptors.add(Descriptor.of(MediaTypes.OCI_LAYER, d, l.length));
            }
            Raw<Manifest> m = Raw.of(Manifest.oci(
                    Descriptor.of(
                            MediaTypes.OCI_CONFIG,
                            img.config().digest(),
                            img.config().size()),
                    layerDescriptors));
            files.put(blobPath(m.digest()), m.bytes());
            index.add(Descriptor.of(MediaTypes.OCI_MANIFEST, m.digest(), m.size()));
            entries.add(SaveManifestEntry.of(blobPath(img.config().digest()), img.repoTags(), layerPaths));
        }
        files.put("index.json", ImageJson.bytes(Index.oci(index)));
        files.put("manifest.json", ImageJson.bytes(entries));
        files.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        return tar(files, Map.of());
    }

    /** A pure OCI layout: index.json naming each image by annotation, no manifest.json. */
    static byte[] ociArchive(Image img, String refName) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        files.put(blobPath(img.config().digest()), img.config().bytes());
        List<Descriptor> layerDescriptors = new ArrayList<>();
        for (byte[] l : img.layerBlobs()) {
            Digest d = Digest.sha256(l);
            files.put(blobPath(d), l);
            layerDescriptors.add(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, d, l.length));
        }
        Raw<Manifest> m = Raw.of(Manifest.oci(
                Descriptor.of(
                        MediaTypes.OCI_CONFIG,
                        img.config().digest(),
                        img.config().size()),
                layerDescriptors));
        files.put(blobPath(m.digest()), m.bytes());
        Descriptor d = Descriptor.of(MediaTypes.OCI_MANIFEST, m.digest(), m.size());
        if (refName != null) {
            d = d.withAnnotations(Map.of(Index.REF_NAME, refName));
        }
        files.put("index.json", ImageJson.bytes(Index.oci(List.of(d))));
        return tar(files, Map.of());
    }

    /**
     * The layout dockerd 20.10 writes: {@code <v1id>/layer.tar}, {@code <v1id>/json},
     * {@code <v1id>/VERSION}, {@code <imageid>.json}, manifest.json, repositories; a layer shared
     * with an earlier directory is a symlink.
     */
    static byte[] legacyArchive(Image img, boolean linkSecondLayerToFirst) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        Map<String, String> links = new LinkedHashMap<>();
        List<String> layerPaths = new ArrayList<>();
        for (int i = 0; i < img.layerBlobs().size(); i++) {
            String v1 =
                    Digest.sha256(("v1-" + i).getBytes(StandardCharsets.UTF_8)).hex();
            files.put(v1 + "/VERSION", "1.0".getBytes(StandardCharsets.UTF_8));
            files.put(v1 + "/json", ("{\"id\":\"" + v1 + "\"}").getBytes(StandardCharsets.UTF_8));
            if (i == 1 && linkSecondLayerToFirst) {
                String first =
                        Digest.sha256("v1-0".getBytes(StandardCharsets.UTF_8)).hex();
                links.put(v1 + "/layer.tar", "../" + first + "/layer.tar");
            } else {
                files.put(v1 + "/layer.tar", img.layerBlobs().get(i));
            }
            layerPaths.add(v1 + "/layer.tar");
        }
        files.put(img.config().digest().hex() + ".json", img.config().bytes());
        files.put(
                "manifest.json",
                ImageJson.bytes(List.of(
                        SaveManifestEntry.of(img.config().digest().hex() + ".json", img.repoTags(), layerPaths))));
        files.put("repositories", "{}".getBytes(StandardCharsets.UTF_8));
        return tar(files, links);
    }

    static String blobPath(Digest d) {
        return "blobs/sha256/" + d.hex();
    }

    static byte[] tar(Map<String, byte[]> files, Map<String, String> symlinks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(f.getValue().length);
                tar.putArchiveEntry(e);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
            for (Map.Entry<String, String> l : symlinks.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(l.getKey(), TarArchiveEntry.LF_SYMLINK);
                e.setLinkName(l.getValue());
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
