package dev.berth.build.builder;

import dev.berth.build.cache.BuildCache;
import dev.berth.core.digest.Digest;
import dev.berth.core.image.ContainerConfig;
import dev.berth.core.image.History;
import dev.berth.core.image.ImageConfig;
import dev.berth.core.image.Raw;
import dev.berth.core.image.RootFs;
import dev.berth.engine.image.ImageStore;
import dev.berth.engine.image.LayerBlob;
import dev.berth.engine.image.LayerStore;
import dev.berth.engine.image.Leases;
import dev.berth.engine.image.ProgressListener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes the image of each build step, as dockerd's classic builder commits one per step: the
 * parent's layers plus the step's own (if it made one), the stage's config, and one more history
 * entry — with {@code created_by} the step as BuildKit writes it and the step's cache key in the
 * comment, so that {@code --cache-from} can find the step in an image built elsewhere. The image
 * is untagged; its row records its parent (so {@code docker images} hides it as intermediate) and
 * the cache row is written right after it.
 */
final class StepImages {
    /** The history comment's prefix; the step's cache key follows it. */
    static final String COMMENT = "berth.dockerfile.v0 ";

    private final ImageStore store;
    private final LayerStore layers;
    private final BuildCache cache;

    StepImages(ImageStore store, LayerStore layers, BuildCache cache) {
        this.store = store;
        this.layers = layers;
        this.cache = cache;
    }

    /**
     * Stores the image of a step.
     *
     * @param layer   the layer the step made (its blob leased by {@code lease}), or null for a
     *                step that changed only the config
     * @param author  the stage's MAINTAINER, or null
     * @param created the step's time (SOURCE_DATE_EPOCH when given)
     */
    StageImage commit(
            StageImage parent,
            ContainerConfig config,
            String createdBy,
            LayerStore.Committed layer,
            String author,
            String key,
            Instant created,
            Leases.Lease lease) {
        ImageConfig base = parent.config();
        List<Digest> diffIds = new ArrayList<>(base.diffIds());
        List<Digest> chain = new ArrayList<>(parent.chain());
        if (layer != null) {
            diffIds.add(layer.layer().row().diffId());
            chain.add(layer.layer().chainId());
        }
        List<History> history = new ArrayList<>(base.history());
        String time = created.toString();
        history.add(new History(time, null, createdBy, COMMENT + key, layer == null));
        ImageConfig image = new ImageConfig(
                base.architecture(),
                base.variant(),
                base.os(),
                base.osVersion(),
                author,
                null,
                time,
                null,
                null,
                null,
                config,
                RootFs.layers(diffIds),
                history);
        Raw<ImageConfig> raw = Raw.of(image);
        List<LayerBlob> blobs = new ArrayList<>(parent.id() == null ? List.of() : store.layerBlobs(parent.id()));
        List<LayerStore.Unpacked> unpacked = new ArrayList<>();
        for (Digest chainId : parent.chain()) {
            unpacked.add(new LayerStore.Unpacked(layers.get(chainId).orElseThrow(), false));
        }
        if (layer != null) {
            blobs.add(layer.blob());
            unpacked.add(layer.layer());
        }
        lease.add(raw.digest());
        Digest id = store.add(raw, blobs, unpacked, List.of(), Map.of(), parent.id(), ProgressListener.NONE)
                .id();
        cache.record(key, id, createdBy, layer == null ? 0 : layer.layer().row().size());
        return new StageImage(id, image, chain, key);
    }
}
