package dev.berth.build.context;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
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
 * The tree lives only as long as its build: it is unpacked as scratch (no writeback started, no
 * digest), so a build whose steps all hit the cache sends none of it to the disk.
 */
public final class ContextArchive {
    private ContextArchive() {}

    /**
     * Unpacks {@code body} into the empty directory {@code dir}; reads it to its end. A tar that
     * cannot be unpacked is a 500, as dockerd answers it (its untar's error is not classed as the
     * client's: {@code Error processing tar file(exit status 1): unexpected EOF}): DATA_LOSS, the
     * bytes received are not the archive they claim to be (and no daemon bug to log as one).
     */
    public static void unpack(InputStream body, Path dir) {
        try (InputStream plain = Compression.decompress(body)) {
            LayerUnpacker.scratch(WhiteoutMode.PLAIN).unpack(plain, dir);
        } catch (BerthException e) {
            ErrorKind kind = e.kind() == ErrorKind.INVALID_ARGUMENT ? ErrorKind.DATA_LOSS : e.kind();
            throw new BerthException(kind, "Error processing tar file(" + e.getMessage() + "): ", e);
        } catch (IOException e) {
            throw new BerthException(ErrorKind.DATA_LOSS, "Error processing tar file(" + e.getMessage() + "): ", e);
        }
    }
}
