package dev.berth.build.builder;

import dev.berth.core.digest.Digest;
import dev.berth.core.image.ContainerConfig;
import dev.berth.core.image.ImageConfig;
import java.util.List;

/**
 * Where a stage stands after a step: the image the step made (null for {@code FROM scratch}
 * before any step), its config, the chain IDs of its layers (bottom first), and the cache key of
 * the step that made it (the next step's key builds on it).
 */
record StageImage(Digest id, ImageConfig config, List<Digest> chain, String key) {

    StageImage {
        chain = List.copyOf(chain);
    }

    /** The same image reached by a step with another key (a cache hit). */
    StageImage withKey(String newKey) {
        return new StageImage(id, config, chain, newKey);
    }

    ContainerConfig runConfig() {
        return config.configOrEmpty();
    }

    /** The chain ID of the top layer, or null when there is no layer. */
    Digest topChain() {
        return chain.isEmpty() ? null : chain.getLast();
    }

    /** The ID as Docker prints it after {@code  --->}: 12 hex digits, empty for scratch. */
    String shortId() {
        return id == null ? "" : id.hex().substring(0, 12);
    }
}
