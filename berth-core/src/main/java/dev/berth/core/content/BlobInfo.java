package dev.berth.core.content;

import dev.berth.core.digest.Digest;

/** A committed blob: its digest and size in bytes. */
public record BlobInfo(Digest digest, long size) {}
