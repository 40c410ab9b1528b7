package dev.berth.core.io;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Compression of a layer or archive (gzip, zstd, bzip2, xz), recognised by magic bytes as Docker
 * does (pkg/archive DetectCompression), never by media type or file name: registries and
 * {@code docker save} tars are not always truthful about it.
 */
public enum Compression {
    NONE,
    GZIP,
    ZSTD,
    BZIP2,
    XZ;

    private static final int BUFFER = 256 * 1024;

    /** Reads the first bytes of {@code in} (which must support mark/reset) without consuming them. */
    public static Compression detect(InputStream in) throws IOException {
        in.mark(8);
        byte[] head = in.readNBytes(6);
        in.reset();
        if (startsWith(head, 0x1f, 0x8b)) return GZIP;
        if (startsWith(head, 0x28, 0xb5, 0x2f, 0xfd)) return ZSTD;
        if (startsWith(head, 'B', 'Z', 'h')) return BZIP2;
        if (startsWith(head, 0xfd, '7', 'z', 'X', 'Z', 0x00)) return XZ;
        return NONE;
    }

    /**
     * The uncompressed stream of {@code raw}, whatever its compression. Closing the result frees
     * the decompressor but leaves {@code raw} open: its owner closes it.
     */
    public static InputStream decompress(InputStream raw) throws IOException {
        InputStream shielded = new FilterInputStream(raw) {
            @Override
            public void close() {
                // the caller owns raw
            }
        };
        BufferedInputStream buffered = new BufferedInputStream(shielded, BUFFER);
        return switch (detect(buffered)) {
            case NONE -> buffered;
            case GZIP -> new GZIPInputStream(buffered, BUFFER);
            case ZSTD -> new BufferedInputStream(new ZstdInputStreamNoFinalizer(buffered), BUFFER);
            case BZIP2 -> new BufferedInputStream(new BZip2CompressorInputStream(buffered, true), BUFFER);
            case XZ -> new BufferedInputStream(new XZCompressorInputStream(buffered, true), BUFFER);
        };
    }

    private static boolean startsWith(byte[] head, int... magic) {
        if (head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
