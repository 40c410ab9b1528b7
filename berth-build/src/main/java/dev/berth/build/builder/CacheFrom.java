package dev.berth.build.builder;

import dev.berth.core.digest.Digest;
import dev.berth.core.image.History;
import dev.berth.core.image.ImageConfig;
import dev.berth.engine.image.ImageServices;
import dev.berth.engine.image.LayerBlob;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The steps of the {@code --cache-from} images, found by the cache key each step wrote into its
 * history entry: a step that misses the local cache is still a hit when one of these images ran
 * a step with the same key (the same parent steps, instruction, args and files), even when it
 * was built on another machine and pulled. Images that are not present are skipped, as dockerd
 * skips them.
 */
final class CacheFrom {
    /** A step of a cache-from image: the layer it added (with its blob), or none. */
    record Step(Digest diffId, LayerBlob blob) {}

    private final Map<String, Step> steps;

    private CacheFrom(Map<String, Step> steps) {
        this.steps = steps;
    }

    static CacheFrom of(List<String> names, ImageServices images) {
        Map<String, Step> steps = new HashMap<>();
        for (String name : names) {
            Optional<Digest> id = images.resolver().find(name);
            if (id.isEmpty()) {
                continue;
            }
            ImageConfig config = images.store().config(id.get()).value();
            List<LayerBlob> blobs = images.store().layerBlobs(id.get());
            List<Digest> diffIds = config.diffIds();
            int layer = 0;
            for (History h : config.history()) {
                Step step = null;
                if (!h.emptyLayer()) {
                    if (layer >= diffIds.size()) {
                        break; // a history that does not match its layers: trust none of the rest
                    }
                    step = new Step(diffIds.get(layer), blobs.get(layer));
                    layer++;
                }
                if (h.comment() != null && h.comment().startsWith(StepImages.COMMENT)) {
                    steps.putIfAbsent(h.comment().substring(StepImages.COMMENT.length()), step == null ? EMPTY : step);
                }
            }
        }
        return new CacheFrom(steps);
    }

    private static final Step EMPTY = new Step(null, null);

    Optional<Step> find(String key) {
        return Optional.ofNullable(steps.get(key));
    }
}
