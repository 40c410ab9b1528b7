package dev.berth.core.layer;

import dev.berth.core.digest.Digest;

/**
 * A layer tar's diff ID (sha256 of the uncompressed tar) and uncompressed size, as unpacked or
 * written, and its content size: the bytes of regular-file data it holds, hard links counted once
 * (Docker's layer "Size").
 */
public record LayerDigest(Digest diffId, long uncompressedSize, long contentSize) {
    public LayerDigest(Digest diffId, long uncompressedSize) {
        this(diffId, uncompressedSize, -1);
    }
}
