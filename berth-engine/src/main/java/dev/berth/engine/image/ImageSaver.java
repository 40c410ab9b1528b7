package dev.berth.engine.image;

import dev.berth.core.content.BlobReader;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.image.Descriptor;
import dev.berth.core.image.ImageConfig;
import dev.berth.core.image.ImageJson;
import dev.berth.core.image.Index;
import dev.berth.core.image.Manifest;
import dev.berth.core.image.MediaTypes;
import dev.berth.core.image.OciLayout;
import dev.berth.core.image.Raw;
import dev.berth.core.image.SaveManifestEntry;
import dev.berth.core.io.NonClosingOutputStream;
import dev.berth.core.metadata.LayerRow;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.reference.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * {@code docker save} ({@code GET /images/get}, {@code GET /images/{name}/get}) in Docker 25+'s
 * format: an OCI image layout ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/…})
 * whose {@code manifest.json} points Docker's loaders (old and new) at the same blobs, so the
 * image keeps its ID wherever it is loaded. Layers are written as stored (Docker's loaders
 * decompress what needs it).
 */
public final class ImageSaver {
    private final ImageStore store;
    private final MetadataStore db;
    private final LayerStore layers;
    private final ImageEvents events;
    private final BlobReader blobs;
    private final ImageResolver resolver;

    public ImageSaver(
            ImageStore store,
            MetadataStore db,
            LayerStore layers,
            ImageEvents events,
            BlobReader blobs,
            ImageResolver resolver) {
        this.store = store;
        this.db = db;
        this.layers = layers;
        this.events = events;
        this.blobs = blobs;
        this.resolver = resolver;
    }

    /** Which images, and which of their tags, to save; resolved before any byte is written so errors still get a status. */
    public Plan plan(List<String> names) {
        if (names.isEmpty()) {
            throw BerthException.invalid("no image names given");
        }
        Map<Digest, List<ImageReference>> images = new LinkedHashMap<>();
        for (String name : names) {
            var id = ImageReference.parseId(name);
            if (id.isPresent()) {
                images.computeIfAbsent(resolver.resolve(name), k -> new ArrayList<>());
                continue;
            }
            ImageReference ref = ImageReference.parse(name);
            if (ref.isNameOnly()) {
                Map<String, Digest> tags = db.read(tx -> tx.tags().all());
                boolean any = false;
                for (Map.Entry<String, Digest> t : tags.entrySet()) {
                    ImageReference tagged = ImageReference.parse(t.getKey());
                    if (tagged.repository().equals(ref.repository())) {
                        addRef(images, t.getValue(), tagged);
                        any = true;
                    }
                }
                if (!any) {
                    images.computeIfAbsent(resolver.resolve(name), k -> new ArrayList<>());
                }
                continue;
            }
            Digest imageId = resolver.resolve(name);
            if (ref.digest().isPresent()) {
                images.computeIfAbsent(imageId, k -> new ArrayList<>());
            } else {
                addRef(images, imageId, ref.withDefaultTag());
            }
        }
        return new Plan(images);
    }

    private static void addRef(Map<Digest, List<ImageReference>> images, Digest id, ImageReference ref) {
        List<ImageReference> refs = images.computeIfAbsent(id, k -> new ArrayList<>());
        if (!refs.contains(ref)) {
            refs.add(ref);
        }
    }

    /** The images to save, each with the tags to write for it. */
    public record Plan(Map<Digest, List<ImageReference>> images) {}

    /** Writes the tar for {@code plan} to {@code out}. */
    public void save(Plan plan, OutputStream out) {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new NonClosingOutputStream(out))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            Set<String> written = new HashSet<>();
            directory(tar, "blobs/");
            directory(tar, "blobs/sha256/");
            List<Descriptor> indexEntries = new ArrayList<>();
            List<SaveManifestEntry> manifestEntries = new ArrayList<>();
            for (Map.Entry<Digest, List<ImageReference>> image : plan.images().entrySet()) {
                Digest id = image.getKey();
                Raw<ImageConfig> config = store.config(id);
                List<Digest> chains = db.read(tx -> tx.images().layers(id));
                List<Descriptor> layerDescriptors = new ArrayList<>();
                List<String> layerPaths = new ArrayList<>();
                for (Digest chain : chains) {
                    LayerRow layer = layers.get(chain)
                            .orElseThrow(() -> BerthException.dataLoss("image %s: layer %s has no row", id, chain));
                    if (layer.blobDigest() == null) {
                        throw BerthException.notImplemented("image %s: layer %s has no stored blob to save", id, chain);
                    }
                    String path = blobPath(layer.blobDigest());
                    if (written.add(path)) {
                        blobFile(tar, path, layer.blobDigest(), layer.blobSize());
                    }
                    layerPaths.add(path);
                    layerDescriptors.add(
                            Descriptor.of(ociLayerType(layer.blobMediaType()), layer.blobDigest(), layer.blobSize()));
                }
                String configPath = blobPath(id);
                if (written.add(configPath)) {
                    bytesFile(tar, configPath, config.bytes());
                }
                Raw<Manifest> manifest =
                        Raw.of(Manifest.oci(Descriptor.of(MediaTypes.OCI_CONFIG, id, config.size()), layerDescriptors));
                String manifestPath = blobPath(manifest.digest());
                if (written.add(manifestPath)) {
                    bytesFile(tar, manifestPath, manifest.bytes());
                }
                Descriptor manifestDescriptor =
                        Descriptor.of(MediaTypes.OCI_MANIFEST, manifest.digest(), manifest.size());
                List<ImageReference> refs = image.getValue();
                if (refs.isEmpty()) {
                    indexEntries.add(manifestDescriptor);
                }
                for (ImageReference ref : refs) {
                    indexEntries.add(manifestDescriptor.withAnnotations(Map.of(
                            Index.CONTAINERD_IMAGE_NAME, ref.toString(),
                            Index.REF_NAME, ref.tag().orElse(ImageReference.DEFAULT_TAG))));
                }
                manifestEntries.add(SaveManifestEntry.of(
                        configPath,
                        refs.stream().map(ImageReference::familiarString).toList(),
                        layerPaths));
            }
            bytesFile(tar, "index.json", ImageJson.bytes(Index.oci(indexEntries)));
            bytesFile(tar, "manifest.json", ImageJson.bytes(manifestEntries));
            bytesFile(tar, OciLayout.FILE_NAME, ImageJson.bytes(OciLayout.CURRENT));
            tar.finish();
        } catch (IOException e) {
            throw BerthException.unavailable("writing the image tar failed: %s", e.getMessage());
        }
        for (Digest id : plan.images().keySet()) {
            events.publish("save", id, id.toString(), labels(id));
        }
    }

    private Map<String, String> labels(Digest id) {
        return store.config(id).value().configOrEmpty().labels();
    }

    /** The stored media type in its OCI form (Docker's schema2 names map one to one). */
    private static String ociLayerType(String mediaType) {
        if (mediaType == null) {
            return MediaTypes.OCI_LAYER;
        }
        return switch (mediaType) {
            case MediaTypes.DOCKER_LAYER -> MediaTypes.OCI_LAYER;
            case MediaTypes.DOCKER_LAYER_GZIP -> MediaTypes.OCI_LAYER_GZIP;
            case MediaTypes.DOCKER_LAYER_ZSTD -> MediaTypes.OCI_LAYER_ZSTD;
            default -> mediaType;
        };
    }

    private static String blobPath(Digest digest) {
        return "blobs/" + digest.algorithm() + "/" + digest.hex();
    }

    private static final Instant MTIME = Instant.EPOCH;

    private static void directory(TarArchiveOutputStream tar, String path) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(path);
        e.setModTime(MTIME.toEpochMilli());
        e.setMode(040755);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private static void bytesFile(TarArchiveOutputStream tar, String path, byte[] bytes) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(path);
        e.setSize(bytes.length);
        e.setMode(0100644);
        e.setModTime(MTIME.toEpochMilli());
        tar.putArchiveEntry(e);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private void blobFile(TarArchiveOutputStream tar, String path, Digest digest, long size) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(path);
        e.setSize(size);
        e.setMode(0100644);
        e.setModTime(MTIME.toEpochMilli());
        tar.putArchiveEntry(e);
        try (InputStream in = blobs.open(digest)) {
            long copied = in.transferTo(tar);
            if (copied != size) {
                throw BerthException.dataLoss("blob %s is %d bytes, its row says %d", digest, copied, size);
            }
        }
        tar.closeArchiveEntry();
    }
}
