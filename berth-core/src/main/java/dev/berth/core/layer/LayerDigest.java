package dev.berth.core.layer;

import dev.berth.core.digest.Digest;

/** A layer tar's diff ID (sha256 of the uncompressed tar) and uncompressed size, as unpacked or written. */
public record LayerDigest(Digest diffId, long uncompressedSize) {
}
