package dev.berth.engine.image;

import dev.berth.core.digest.Digest;

/**
 * What a repo digest ({@code name@sha256:…}) names: the manifest a registry knows the image by
 * (maybe an index), and the image's own manifest it resolves to, which is the same unless
 * {@code manifest} is an index. Both blobs must be in the content store; the row keeps both.
 */
public record RepoDigest(Digest manifest, Digest imageManifest) {
    /** A single-platform manifest: it is the image's own. */
    public static RepoDigest of(Digest manifest) {
        return new RepoDigest(manifest, manifest);
    }
}
