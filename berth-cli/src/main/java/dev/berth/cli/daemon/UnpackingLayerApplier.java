package dev.berth.cli.daemon;

import dev.berth.core.layer.LayerDigest;
import dev.berth.core.layer.LayerUnpacker;
import dev.berth.core.snapshot.WhiteoutMode;
import dev.berth.engine.image.LayerApplier;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/** The image services' layer applier, backed by core's secure streaming {@link LayerUnpacker}. */
final class UnpackingLayerApplier implements LayerApplier {
    @Override
    public long apply(InputStream tar, Path dir, WhiteoutMode whiteouts) {
        LayerDigest unpacked = new LayerUnpacker(whiteouts).unpack(tar, dir);
        // Docker's layer size is the file content the layer adds. An overlay layer directory holds
        // exactly that; a vfs directory is a full copy of the chain, so there the layer's own tar
        // size is the closest measure we have without a second walk of every parent.
        return whiteouts == WhiteoutMode.OVERLAY ? regularFileBytes(dir) : unpacked.uncompressedSize();
    }

    private static long regularFileBytes(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.mapToLong(path -> {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    return attributes.isRegularFile() ? attributes.size() : 0;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
