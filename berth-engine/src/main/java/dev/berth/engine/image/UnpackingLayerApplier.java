package dev.berth.engine.image;

import dev.berth.core.layer.LayerDigest;
import dev.berth.core.layer.LayerUnpacker;
import dev.berth.core.layer.WhiteoutMode;
import java.io.InputStream;
import java.nio.file.Path;

/** The image services' layer applier, backed by core's secure streaming {@link LayerUnpacker}. */
public final class UnpackingLayerApplier implements LayerApplier {
    @Override
    public long apply(InputStream tar, Path dir, WhiteoutMode whiteouts) {
        // Docker's layer Size: the bytes of file content the layer itself carries.
        return new LayerUnpacker(whiteouts).unpack(tar, dir).contentSize();
    }

    /** The unpacker decompresses and computes the diff ID itself: one pass over the bytes, one hash. */
    @Override
    public LayerDigest applyBlob(InputStream layer, Path dir, WhiteoutMode whiteouts, String diffIdAlgorithm) {
        return new LayerUnpacker(whiteouts).unpack(layer, dir, diffIdAlgorithm);
    }
}
