package dev.berth.engine.image;

import dev.berth.core.digest.Digest;

/** A layer blob in the content store: digest and size as stored, and its media type (which says the compression). */
public record LayerBlob(Digest digest, long size, String mediaType) {}
