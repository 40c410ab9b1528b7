/**
 * The OCI / Docker image model as it travels: JSON records for descriptors, manifests, indexes,
 * image configs and {@code docker save}'s manifest.json, with one Jackson setup ({@link
 * dev.berth.core.image.ImageJson}).
 *
 * <p>Vocabulary, used the same way everywhere in Berth:
 * <ul>
 *   <li><b>digest</b> — sha256 of a blob as stored or transferred (a layer maybe compressed);</li>
 *   <li><b>diff ID</b> — sha256 of a layer's uncompressed tar, listed in the config's rootfs;</li>
 *   <li><b>chain ID</b> — identity of a layer together with all below it (config.md, "Layer
 *       ChainID"); the key of an unpacked snapshot;</li>
 *   <li><b>image ID</b> — digest of the image config bytes exactly as stored;</li>
 *   <li><b>reference</b> — an image name ({@code busybox:latest}, {@code repo@sha256:…}), as
 *       opposed to an ID;</li>
 *   <li><b>descriptor</b> — media type + digest + size that points at a blob.</li>
 * </ul>
 * Identity is always the digest of raw bytes ({@link dev.berth.core.image.Raw}), never of a
 * re-serialisation.
 */
package dev.berth.core.image;
