package dev.berth.engine.image;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.io.Compression;
import dev.berth.core.layer.LayerDigest;
import dev.berth.core.layer.WhiteoutMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/**
 * Extracts one uncompressed layer tar into a snapshot directory (the layer unpacker of
 * dev.berth.core.layer does the work; this seam keeps the image services testable and lets the
 * composition root choose). Must refuse entries that escape {@code dir} and leave the caller to
 * remove the directory on failure.
 */
@FunctionalInterface
public interface LayerApplier {
    /**
     * Reads {@code tar} to its end-of-archive marker, writing into {@code dir}.
     *
     * @return the bytes of file content the layer holds (Docker's layer size)
     */
    long apply(InputStream tar, Path dir, WhiteoutMode whiteouts);

    /**
     * Decompresses the layer blob {@code layer} (by its magic bytes), hashes the uncompressed tar
     * with {@code diffIdAlgorithm}, and applies it; reads {@code layer} to its end. An applier that
     * decompresses and hashes as it unpacks overrides this, so each byte is hashed once.
     *
     * @return the diff ID seen and the layer's content size
     */
    default LayerDigest applyBlob(InputStream layer, Path dir, WhiteoutMode whiteouts, String diffIdAlgorithm) {
        MessageDigest hasher = Digest.newHasher(diffIdAlgorithm);
        try (InputStream tar = new DigestInputStream(Compression.decompress(layer), hasher)) {
            long size = apply(tar, dir, whiteouts);
            tar.transferTo(OutputStream.nullOutputStream());
            layer.transferTo(OutputStream.nullOutputStream());
            return new LayerDigest(Digest.of(diffIdAlgorithm, hasher.digest()), -1, size);
        } catch (IOException e) {
            throw BerthException.invalid("cannot read layer: %s", e.getMessage());
        }
    }
}
