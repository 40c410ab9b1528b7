package dev.berth.engine.distribution;

import dev.berth.core.digest.Digest;

/**
 * A manifest or index as a registry served it: its media type, the exact bytes, and their digest
 * (computed here, and checked against the digest asked for, so identity never rests on a header).
 */
public record FetchedManifest(String mediaType, byte[] bytes, Digest digest) {
    public FetchedManifest {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public long size() {
        return bytes.length;
    }
}
