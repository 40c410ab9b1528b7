/**
 * Content digests and the identities built from them.
 *
 * <p>Vocabulary: a <em>digest</em> is {@code algorithm:hex} of bytes as stored (a layer blob,
 * maybe compressed); a <em>diff ID</em> is the digest of a layer's uncompressed tar; a
 * <em>chain ID</em> names a stack of layers applied in order (image-spec config.md) and keys the
 * snapshot of the top one; an <em>image ID</em> is the digest of the image's config.
 */
package dev.berth.core.digest;
