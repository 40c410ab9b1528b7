/**
 * Layer tars: {@link dev.berth.core.layer.LayerUnpacker} unpacks one (gzip, zstd, bzip2 or plain)
 * into a directory, refusing any entry that would land outside it, and
 * {@link dev.berth.core.layer.LayerDiffer} writes a directory's changes as one.
 *
 * <p>Vocabulary: the <em>diff ID</em> is the sha256 of the uncompressed tar (image-spec
 * config.md, {@code rootfs.diff_ids}), never of the compressed blob (that is the blob's
 * <em>digest</em>); {@link dev.berth.core.layer.LayerDigest} carries it with the uncompressed
 * size and the content size. <em>Whiteouts</em> ({@code .wh.<name>}) and <em>opaque markers</em>
 * ({@code .wh..wh..opq}) are the tar form of deletions (image-spec layer.md); on disk they become
 * overlay's 0/0 character devices and {@code trusted.overlay.opaque=y}, or are applied.
 */
package dev.berth.core.layer;
