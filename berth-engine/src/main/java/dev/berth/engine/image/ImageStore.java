package dev.berth.engine.image;

import dev.berth.core.content.BlobStore;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.image.ImageConfig;
import dev.berth.core.image.MediaTypes;
import dev.berth.core.image.Raw;
import dev.berth.core.metadata.ImageRow;
import dev.berth.core.metadata.LayerRow;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.reference.ImageReference;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Images as rows plus their config blobs: the one place that adds an image (config blob and
 * layers first, then every row in one transaction) and reads image configs (cached: a config
 * never changes for its ID).
 */
public final class ImageStore {
    private final MetadataStore db;
    private final BlobStore blobs;
    private final LayerStore layers;
    private final Leases leases;
    private final Clock clock;
    private final Map<Digest, Raw<ImageConfig>> configs = new ConcurrentHashMap<>();

    public ImageStore(MetadataStore db, BlobStore blobs, LayerStore layers, Leases leases, Clock clock) {
        this.db = db;
        this.blobs = blobs;
        this.layers = layers;
        this.leases = leases;
        this.clock = clock;
    }

    public Optional<ImageRow> row(Digest id) {
        return db.read(tx -> tx.images().get(id));
    }

    /** The image's config as stored; NOT_FOUND when there is no such image. */
    public Raw<ImageConfig> config(Digest id) {
        Raw<ImageConfig> cached = configs.get(id);
        if (cached != null) {
            return cached;
        }
        try (InputStream in = blobs.open(id)) {
            Raw<ImageConfig> raw = Raw.parse(in.readAllBytes(), ImageConfig.class, "image config " + id);
            configs.put(id, raw);
            return raw;
        } catch (IOException e) {
            throw BerthException.dataLoss("cannot read image config %s: %s", id, e.getMessage());
        }
    }

    /** The blobs of the image's layers, bottom first, as {@link #add} takes them for a child image. */
    public List<LayerBlob> layerBlobs(Digest id) {
        List<LayerBlob> out = new ArrayList<>();
        for (Digest chainId : db.read(tx -> tx.images().layers(id))) {
            LayerRow row = layers.get(chainId)
                    .orElseThrow(() -> BerthException.dataLoss("layer %s of image %s is missing", chainId, id));
            out.add(new LayerBlob(
                    row.blobDigest() == null ? row.diffId() : row.blobDigest(),
                    row.blobSize(),
                    row.blobMediaType() == null ? MediaTypes.OCI_LAYER : row.blobMediaType()));
        }
        return out;
    }

    void forget(Digest id) {
        configs.remove(id);
    }

    /** What {@link #add} did. {@code untaggedFrom} maps each tag that moved here to the image it left. */
    public record Added(
            Digest id, boolean isNew, List<ImageReference> tags, Map<ImageReference, Digest> untaggedFrom) {}

    /**
     * Adds an image whose layer blobs are in the content store: stores the config blob, unpacks
     * the layers that are missing, then in one transaction inserts layer rows, the image row and
     * the tags (moving a tag off another image, as Docker does). An image that exists already only
     * gets the tags.
     *
     * @param layerBlobs one per diff ID of the config, bottom first
     */
    public Added add(
            Raw<ImageConfig> config,
            List<LayerBlob> layerBlobs,
            List<ImageReference> tags,
            Digest parent,
            ProgressListener progress) {
        return add(config, layerBlobs, tags, Map.of(), parent, progress);
    }

    /**
     * As {@link #add(Raw, List, List, Digest, ProgressListener)}, also recording repo digests
     * ({@code name@sha256:…} → the manifests it names, which must be in the content store) in the
     * same transaction, so that a pull is all rows or none.
     */
    public Added add(
            Raw<ImageConfig> config,
            List<LayerBlob> layerBlobs,
            List<ImageReference> tags,
            Map<ImageReference, RepoDigest> repoDigests,
            Digest parent,
            ProgressListener progress) {
        return add(config, layerBlobs, List.of(), tags, repoDigests, parent, progress);
    }

    /**
     * As {@link #add(Raw, List, List, Map, Digest, ProgressListener)}, for a caller that unpacked
     * the layers itself (a pull, while downloading): {@code unpacked} holds what
     * {@link LayerStore#unpack} returned for them, bottom first, so they are neither looked up nor
     * measured again.
     */
    public Added add(
            Raw<ImageConfig> config,
            List<LayerBlob> layerBlobs,
            List<LayerStore.Unpacked> unpacked,
            List<ImageReference> tags,
            Map<ImageReference, RepoDigest> repoDigests,
            Digest parent,
            ProgressListener progress) {
        Digest id = config.digest();
        List<Digest> diffIds = config.value().diffIds();
        if (diffIds.size() != layerBlobs.size()) {
            throw BerthException.invalid(
                    "image %s: config lists %d layers, but %d were given", id, diffIds.size(), layerBlobs.size());
        }
        if (config.value().rootfs() != null
                && config.value().rootfs().type() != null
                && !"layers".equals(config.value().rootfs().type())) {
            throw BerthException.invalid(
                    "image %s: unsupported rootfs type %s",
                    id, config.value().rootfs().type());
        }
        List<Digest> chain = dev.berth.core.digest.ChainId.chain(diffIds);
        List<Digest> leased = new ArrayList<>(chain);
        leased.add(id);
        layerBlobs.forEach(b -> leased.add(b.digest()));
        repoDigests.values().forEach(rd -> {
            leased.add(rd.manifest());
            leased.add(rd.imageManifest());
        });
        boolean ingestedConfig = false;
        Leases.Lease lease = leases.acquire(leased);
        try {
            if (!blobs.contains(id)) {
                blobs.ingest(new ByteArrayInputStream(config.bytes()), id, config.size());
                ingestedConfig = true;
            }
            boolean exists = row(id).isPresent();
            List<LayerStore.Unpacked> layerRows = new ArrayList<>();
            Digest parentChain = null;
            long size = 0;
            for (int i = 0; i < diffIds.size(); i++) {
                LayerStore.Unpacked u;
                if (i < unpacked.size() && unpacked.get(i).chainId().equals(chain.get(i))) {
                    u = unpacked.get(i);
                } else {
                    u = exists
                            ? new LayerStore.Unpacked(layers.get(chain.get(i)).orElseThrow(), false)
                            : layers.unpack(parentChain, diffIds.get(i), layerBlobs.get(i), progress);
                }
                layerRows.add(u);
                parentChain = u.chainId();
                size += u.row().size();
            }
            long now = clock.instant().getEpochSecond();
            Instant created = config.value().createdInstant();
            ImageRow imageRow = new ImageRow(
                    id,
                    config.size(),
                    config.value().created(),
                    created == null ? 0 : created.getEpochSecond(),
                    size,
                    parent,
                    parentChain,
                    null,
                    now);
            Map<ImageReference, Digest> untaggedFrom = new java.util.LinkedHashMap<>();
            boolean isNew = db.inTransaction(tx -> {
                boolean inserted = false;
                if (tx.images().get(id).isEmpty()) {
                    LayerStore.insertNew(tx, layerRows);
                    tx.images()
                            .insert(
                                    imageRow,
                                    layerRows.stream()
                                            .map(LayerStore.Unpacked::chainId)
                                            .toList());
                    inserted = true;
                }
                for (Map.Entry<ImageReference, RepoDigest> rd : repoDigests.entrySet()) {
                    tx.repoDigests()
                            .put(
                                    rd.getKey().toString(),
                                    id,
                                    rd.getValue().manifest(),
                                    rd.getValue().imageManifest());
                }
                for (ImageReference tag : tags) {
                    tx.tags().put(tag.toString(), id, now).ifPresent(old -> untaggedFrom.put(tag, old));
                }
                return inserted;
            });
            configs.put(id, config);
            return new Added(id, isNew, List.copyOf(tags), untaggedFrom);
        } catch (RuntimeException e) {
            lease.close();
            if (ingestedConfig) {
                layers.deleteBlobIfUnused(id);
            }
            throw e;
        } finally {
            lease.close();
        }
    }
}
