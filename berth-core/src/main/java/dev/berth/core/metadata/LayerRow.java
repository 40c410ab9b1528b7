package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;

/**
 * A row of {@code layers}: one unpacked layer, shared by every image whose chain contains it.
 * {@code blobDigest} (with its media type and size) names the stored layer blob when Berth has it.
 */
public record LayerRow(
        Digest chainId,
        Digest diffId,
        Digest parentChainId,
        String snapshotKey,
        long size,
        Digest blobDigest,
        String blobMediaType,
        long blobSize,
        long created) {}
