package dev.berth.core.digest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes and counts the bytes as they are read, so a stream is digested in the same pass that
 * consumes it (a layer is unpacked and its diff ID known at once). Skipped bytes are read and
 * hashed too, and mark/reset is not offered, so {@link #digest()} always covers every byte that
 * went past.
 */
public final class DigestingInputStream extends FilterInputStream {
    private final MessageDigest hasher;
    private final String algorithm;
    private long count;

    public DigestingInputStream(InputStream in, String algorithm) {
        super(in);
        this.algorithm = algorithm;
        this.hasher = Digest.newHasher(algorithm);
    }

    /** A sha256 digesting stream. */
    public DigestingInputStream(InputStream in) {
        this(in, "sha256");
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            hasher.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n > 0) {
            hasher.update(buffer, offset, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(8192, Math.max(n, 1))];
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported: it would hash bytes twice");
    }

    /** Bytes read so far. */
    public long count() {
        return count;
    }

    /**
     * The digest of the bytes read so far. Call it once the stream is drained; it does not
     * disturb further reading.
     */
    public Digest digest() {
        try {
            return Digest.of(algorithm, ((MessageDigest) hasher.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("JDK digests are cloneable", e);
        }
    }

    /**
     * Fails with DATA_LOSS unless the bytes read so far have {@code expected} digest (when not
     * null) and {@code expectedSize} bytes (when not negative).
     */
    public void verify(Digest expected, long expectedSize) {
        ContentMismatch.check(expected, expectedSize, digest(), count);
    }
}
