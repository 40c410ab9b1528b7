package dev.berth.engine.image;

import dev.berth.core.error.BerthException;
import dev.berth.core.snapshot.WhiteoutMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Regular files, directories, symlinks and whiteouts: enough layer extraction for the image services' unit tests. */
final class SimpleTarApplier implements LayerApplier {
    @Override
    public long apply(InputStream in, Path dir, WhiteoutMode whiteouts) {
        long size = 0;
        try {
            TarArchiveInputStream tar = new TarArchiveInputStream(new java.io.FilterInputStream(in) {
                @Override
                public void close() {}
            });
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path target = dir.resolve(e.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw BerthException.invalid("entry %s escapes the layer", e.getName());
                }
                String base =
                        target.getFileName() == null ? "" : target.getFileName().toString();
                if (base.startsWith(".wh.")) {
                    Path victim = target.resolveSibling(base.substring(4));
                    Files.deleteIfExists(victim);
                    continue;
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.deleteIfExists(target);
                    Files.createSymbolicLink(target, Path.of(e.getLinkName()));
                } else if (e.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    size += e.getSize();
                }
            }
        } catch (IOException ex) {
            throw BerthException.invalid("invalid layer tar: %s", ex.getMessage());
        }
        return size;
    }
}
