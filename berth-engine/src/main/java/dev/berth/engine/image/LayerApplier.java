package dev.berth.engine.image;

import dev.berth.core.snapshot.WhiteoutMode;

import java.io.InputStream;
import java.nio.file.Path;

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
}
