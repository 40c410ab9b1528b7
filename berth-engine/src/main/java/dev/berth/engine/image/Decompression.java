package dev.berth.engine.image;

import dev.berth.core.error.BerthException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/** Opens a maybe-compressed layer or archive stream (gzip, zstd, bzip2, xz, or plain), by its magic bytes. */
public final class Decompression {
    private Decompression() {}

    /** The compression's short name ({@code gz}, {@code zstd}, …) or null for plain bytes; {@code in} must support mark. */
    public static String detect(InputStream in) {
        try {
            return CompressorStreamFactory.detect(in);
        } catch (CompressorException e) {
            return null;
        }
    }

    /** A stream of the uncompressed bytes of {@code in}. */
    public static InputStream open(InputStream in) {
        InputStream buffered = in.markSupported() ? in : new BufferedInputStream(in, 65536);
        String kind = detect(buffered);
        if (kind == null) {
            return buffered;
        }
        try {
            return new CompressorStreamFactory().createCompressorInputStream(kind, buffered, true);
        } catch (CompressorException e) {
            throw BerthException.invalid("cannot decompress %s stream: %s", kind, e.getMessage());
        }
    }

    /** The OCI layer media type for a blob with this compression. */
    public static String ociLayerMediaType(String kind) {
        if (kind == null) {
            return dev.berth.core.image.MediaTypes.OCI_LAYER;
        }
        return switch (kind) {
            case CompressorStreamFactory.GZIP -> dev.berth.core.image.MediaTypes.OCI_LAYER_GZIP;
            case CompressorStreamFactory.ZSTANDARD -> dev.berth.core.image.MediaTypes.OCI_LAYER_ZSTD;
            default -> throw BerthException.invalid("unsupported layer compression: %s", kind);
        };
    }

    static void drain(InputStream in) throws IOException {
        in.transferTo(OutputStreamNull.INSTANCE);
    }

    private static final class OutputStreamNull extends java.io.OutputStream {
        static final OutputStreamNull INSTANCE = new OutputStreamNull();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }
}
