package dev.berth.build.context;

import dev.berth.core.error.BerthException;
import dev.berth.core.io.Compression;
import dev.berth.core.layer.LayerUnpacker;
import dev.berth.core.layer.WhiteoutMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * A build context as the client sends it: a tar, plain or gzip, bzip2 or xz compressed (by its
 * magic bytes, as Docker detects it). It is unpacked with the layer unpacker's rules for staying
 * inside the root (no entry is written through a symlink the archive planted, no {@code ..}
 * climbs out, hard links only to files already inside), with {@code .wh.} names kept as files.
 */
public final class ContextArchive {
    private ContextArchive() {}

    /** Unpacks {@code body} into the empty directory {@code dir}; reads it to its end. */
    public static void unpack(InputStream body, Path dir) {
        try (InputStream plain = Compression.decompress(body)) {
            new LayerUnpacker(WhiteoutMode.PLAIN).unpack(plain, dir);
        } catch (BerthException e) {
            throw new BerthException(e.kind(), "Error processing tar file(" + e.getMessage() + "): ", e);
        } catch (IOException e) {
            throw BerthException.invalid("Error processing tar file(%s): ", e.getMessage());
        }
    }
}
