package dev.berth.build.cache;

import dev.berth.core.digest.Digest;

/**
 * One build cache entry: the step whose inputs hash to {@code key} made image {@code imageId}.
 *
 * @param description the step as the image history shows it
 * @param size        bytes of the layer the step added, 0 for a step that changed only the config
 * @param created     epoch seconds
 * @param lastUsed    epoch seconds of the last hit
 */
public record CacheRow(
        String key, Digest imageId, String description, long size, long created, long lastUsed, int usageCount) {}
