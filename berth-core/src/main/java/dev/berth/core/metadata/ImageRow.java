package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;

/** A row of {@code images}. {@code id} is the config digest; {@code topChainId} is null for an image without layers. */
public record ImageRow(
        Digest id,
        long configSize,
        String created,
        long createdUnix,
        long size,
        Digest parent,
        Digest topChainId,
        String lastTagTime,
        long added) {}
