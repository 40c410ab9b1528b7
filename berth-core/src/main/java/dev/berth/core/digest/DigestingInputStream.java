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
 *
 * <p>A {@linkplain #verifying verifying} stream also fails with DATA_LOSS as soon as the bytes
 * cannot be what was promised: more bytes than the expected size (at once, so a runaway source is
 * cut off), or at the end a different size or digest (go-containerregistry's verify.ReadCloser
 * does the same for pulls). The failure is thrown from {@code read}, before the caller sees end
 * of stream, so nothing can take a short or wrong stream for a complete one.
 */
public final class DigestingInputStream extends FilterInputStream {
    private final MessageDigest hasher;
    private final String algorithm;
    private final Digest expected;
    private final long expectedSize;
    private long count;
    private boolean verified;

    public DigestingInputStream(InputStream in, String algorithm) {
        this(in, algorithm, null, -1);
    }

    private DigestingInputStream(InputStream in, String algorithm, Digest expected, long expectedSize) {
        super(in);
        this.algorithm = algorithm;
        this.hasher = Digest.newHasher(algorithm);
        this.expected = expected;
        this.expectedSize = expectedSize;
    }

    /**
     * A stream that checks what it reads against {@code expected} (its algorithm is the one
     * hashed) and {@code expectedSize} (-1 when unknown).
     */
    public static DigestingInputStream verifying(InputStream in, Digest expected, long expectedSize) {
        return new DigestingInputStream(in, expected.algorithm(), expected, expectedSize);
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
        checkPromise(b < 0);
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n > 0) {
            hasher.update(buffer, offset, n);
            count += n;
        }
        checkPromise(n < 0);
        return n;
    }

    /** For a verifying stream: fails on an overrun at once, on any mismatch at the end. */
    private void checkPromise(boolean atEnd) {
        if (expected == null) {
            return;
        }
        if (expectedSize >= 0 && count > expectedSize) {
            throw ContentMismatch.size(expected, expectedSize, digest(), count);
        }
        if (atEnd && !verified) {
            verify(expected, expectedSize);
            verified = true;
        }
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
    public synchronized void mark(int readlimit) {}

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
