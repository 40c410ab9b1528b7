package dev.berth.engine.image;

import dev.berth.core.content.BlobInfo;
import dev.berth.core.content.BlobStore;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.image.Descriptor;
import dev.berth.core.image.ImageConfig;
import dev.berth.core.image.ImageJson;
import dev.berth.core.image.Index;
import dev.berth.core.image.Manifest;
import dev.berth.core.image.MediaTypes;
import dev.berth.core.image.Platforms;
import dev.berth.core.image.Raw;
import dev.berth.core.image.SaveManifestEntry;
import dev.berth.core.io.Compression;
import dev.berth.core.reference.ImageReference;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code docker load} ({@code POST /images/load}): reads Docker's save formats — Docker 25+
 * (OCI layout plus manifest.json pointing into {@code blobs/sha256}), the older
 * {@code <id>/layer.tar} layout with manifest.json, and pure OCI layouts (index.json only) —
 * and adds each image. Crash-safe by construction: blobs are committed (fsync, rename) while
 * the tar streams, layers unpack into active snapshots committed only when complete, and each
 * image's rows go in one transaction at its end; what a crash leaves is unreferenced and
 * removed at the next start.
 */
public final class ImageLoader {
    private final ImageStore store;
    private final BlobStore blobs;
    private final Leases leases;
    private final LayerStore layers;
    private final ImageEvents events;

    public ImageLoader(ImageStore store, BlobStore blobs, Leases leases, LayerStore layers, ImageEvents events) {
        this.store = store;
        this.blobs = blobs;
        this.leases = leases;
        this.layers = layers;
        this.events = events;
    }

    /** One loaded image: its ID and the tags it got. */
    public record Loaded(Digest id, List<ImageReference> tags) {}

    public List<Loaded> load(InputStream tar, ProgressListener progress) {
        try (Leases.Lease lease = leases.acquire(List.of())) {
            LoadArchive archive = LoadArchive.read(tar, blobs, lease, progress);
            try {
                List<Loaded> loaded = archive.indexFile("manifest.json").isPresent()
                        ? loadDockerManifest(archive, progress)
                        : loadOciIndex(archive, progress);
                return loaded;
            } finally {
                lease.close();
                for (Digest d : archive.blobs()) {
                    layers.deleteBlobIfUnused(d);
                }
            }
        }
    }

    private List<Loaded> loadDockerManifest(LoadArchive archive, ProgressListener progress) {
        SaveManifestEntry[] entries = ImageJson.parse(
                archive.indexFile("manifest.json").orElseThrow(), SaveManifestEntry[].class, "manifest.json");
        List<Loaded> out = new ArrayList<>();
        for (SaveManifestEntry entry : entries) {
            if (entry.config() == null) {
                throw BerthException.invalid("invalid manifest.json: an entry has no Config");
            }
            Raw<ImageConfig> config = readConfig(archive.file(entry.config()));
            List<LayerBlob> layers = new ArrayList<>();
            for (String path : entry.layers()) {
                layers.add(layerBlob(archive.file(path), null));
            }
            List<ImageReference> tags = new ArrayList<>();
            for (String t : entry.repoTags()) {
                ImageReference ref = ImageReference.parse(t);
                if (ref.digest().isPresent()) {
                    throw BerthException.invalid("invalid tag %s in manifest.json: a digest reference", t);
                }
                tags.add(ref.withDefaultTag());
            }
            out.add(add(config, layers, tags, progress));
        }
        return out;
    }

    private List<Loaded> loadOciIndex(LoadArchive archive, ProgressListener progress) {
        byte[] indexBytes = archive.indexFile("index.json")
                .orElseThrow(
                        () -> BerthException.invalid(
                                "invalid tar: neither manifest.json nor index.json found (not a docker save or OCI layout archive)"));
        Index index = ImageJson.parse(indexBytes, Index.class, "index.json");
        List<Loaded> out = new ArrayList<>();
        for (Descriptor d : index.manifests()) {
            Descriptor manifestDescriptor = MediaTypes.isIndex(d.mediaType()) ? pickPlatform(archive, d) : d;
            if (manifestDescriptor == null || !MediaTypes.isManifest(manifestDescriptor.mediaType())) {
                continue; // attestations and other artifacts
            }
            Manifest manifest = ImageJson.parse(
                    readBlob(archive.blob(manifestDescriptor.digest(), blobs)),
                    Manifest.class,
                    "manifest " + manifestDescriptor.digest());
            Raw<ImageConfig> config = readConfig(archive.blob(manifest.config().digest(), blobs));
            List<LayerBlob> layers = new ArrayList<>();
            for (Descriptor l : manifest.layers()) {
                layers.add(layerBlob(archive.blob(l.digest(), blobs), l.mediaType()));
            }
            List<ImageReference> tags = new ArrayList<>();
            nameOf(d).ifPresent(tags::add);
            out.add(add(config, layers, tags, progress));
        }
        if (out.isEmpty()) {
            throw BerthException.invalid(
                    "invalid index.json: no image manifest for %s/%s",
                    Platforms.hostOs(), Platforms.hostArchitecture());
        }
        return out;
    }

    /** containerd's full name annotation, else a ref.name that is a whole reference (not just a tag). */
    private static java.util.Optional<ImageReference> nameOf(Descriptor d) {
        for (String key : List.of(Index.CONTAINERD_IMAGE_NAME, Index.REF_NAME)) {
            String name = d.annotation(key);
            if (name != null && (name.contains("/") || name.contains(":"))) {
                try {
                    ImageReference ref = ImageReference.parse(name);
                    if (ref.digest().isEmpty()) {
                        return java.util.Optional.of(ref.withDefaultTag());
                    }
                } catch (BerthException e) {
                    // not a reference: left unnamed, as Docker does
                }
            }
        }
        return java.util.Optional.empty();
    }

    private Descriptor pickPlatform(LoadArchive archive, Descriptor indexDescriptor) {
        Index nested = ImageJson.parse(
                readBlob(archive.blob(indexDescriptor.digest(), blobs)),
                Index.class,
                "index " + indexDescriptor.digest());
        Descriptor fallback = null;
        for (Descriptor m : nested.manifests()) {
            if (!MediaTypes.isManifest(m.mediaType())) {
                continue;
            }
            if (m.platform() == null) {
                fallback = fallback == null ? m : fallback;
            } else if (Platforms.hostOs().equals(m.platform().os())
                    && Platforms.hostArchitecture().equals(m.platform().architecture())) {
                return m.withAnnotations(indexDescriptor.annotations());
            }
        }
        return fallback == null ? null : fallback.withAnnotations(indexDescriptor.annotations());
    }

    private Loaded add(
            Raw<ImageConfig> config, List<LayerBlob> layers, List<ImageReference> tags, ProgressListener progress) {
        ImageStore.Added added = store.add(config, layers, tags, null, progress);
        added.untaggedFrom()
                .forEach((ref, old) -> progress.stream("The image " + ref.familiarString()
                        + " already exists, renaming the old one with ID " + old + " to empty string\n"));
        if (tags.isEmpty()) {
            progress.stream("Loaded image ID: " + added.id() + "\n");
        }
        for (ImageReference t : tags) {
            progress.stream("Loaded image: " + t.familiarString() + "\n");
        }
        events.publish(
                "load",
                added.id(),
                added.id().toString(),
                config.value().configOrEmpty().labels());
        return new Loaded(added.id(), List.copyOf(tags));
    }

    private Raw<ImageConfig> readConfig(BlobInfo blob) {
        return Raw.parse(readBlob(blob), ImageConfig.class, "image config " + blob.digest());
    }

    private byte[] readBlob(BlobInfo blob) {
        if (blob.size() > 64 << 20) {
            throw BerthException.invalid("%s is %d bytes, too large for a JSON document", blob.digest(), blob.size());
        }
        try (InputStream in = blobs.open(blob.digest())) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw BerthException.dataLoss("cannot read blob %s: %s", blob.digest(), e.getMessage());
        }
    }

    /** The layer's media type: the manifest's when known, else by sniffing the blob's compression. */
    private LayerBlob layerBlob(BlobInfo blob, String mediaType) {
        String type = mediaType;
        if (type == null) {
            try (InputStream in = new BufferedInputStream(blobs.open(blob.digest()), 64)) {
                type = MediaTypes.ociLayer(Compression.detect(in));
            } catch (IOException e) {
                throw BerthException.dataLoss("cannot read blob %s: %s", blob.digest(), e.getMessage());
            }
        }
        return new LayerBlob(blob.digest(), blob.size(), type);
    }
}
