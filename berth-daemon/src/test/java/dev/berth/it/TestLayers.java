package dev.berth.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** One-file image layers made in memory, for tests that put hand-made images into a registry. */
public final class TestLayers {
    private TestLayers() {}

    /** A layer tar holding the file at {@code path} ("name" or "dir/name") and its directory. */
    public static byte[] tar(String path, byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(content.length + 4096);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            int slash = path.lastIndexOf('/');
            if (slash > 0) {
                TarArchiveEntry dir = new TarArchiveEntry(path.substring(0, slash + 1));
                dir.setMode(040755);
                tar.putArchiveEntry(dir);
                tar.closeArchiveEntry();
            }
            TarArchiveEntry file = new TarArchiveEntry(path);
            file.setSize(content.length);
            file.setMode(0100644);
            tar.putArchiveEntry(file);
            tar.write(content);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** {@code data} gzipped at the fastest level (tests push incompressible megabytes too). */
    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(data.length + 65536);
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 65536) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** {@code sha256:<hex>} of {@code data}. */
    public static String sha256(byte[] data) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
