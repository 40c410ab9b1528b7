package dev.berth.core.digest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes bytes through and fails with DATA_LOSS as soon as they cannot be what was promised:
 * more bytes than the expected size (at once, so a runaway source is cut off), or at the end a
 * different size or digest (go-containerregistry's verify.ReadCloser does the same for pulls).
 * The failure is thrown from {@code read}, before the caller sees end of stream, so nothing can
 * take a short or wrong stream for a complete one.
 */
public final class VerifyingInputStream extends FilterInputStream {
    private final Digest expected;
    private final long expectedSize;
    private final DigestingInputStream digesting;
    private boolean verified;

    /**
     * @param expected the digest the bytes must have (its algorithm is the one hashed)
     * @param expectedSize the byte count they must have, or -1 when unknown
     */
    public VerifyingInputStream(InputStream in, Digest expected, long expectedSize) {
        this(new DigestingInputStream(in, expected.algorithm()), expected, expectedSize);
    }

    private VerifyingInputStream(DigestingInputStream digesting, Digest expected, long expectedSize) {
        super(digesting);
        this.digesting = digesting;
        this.expected = expected;
        this.expectedSize = expectedSize;
    }

    @Override
    public int read() throws IOException {
        int b = digesting.read();
        check(b < 0);
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = digesting.read(buffer, offset, length);
        check(n < 0);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = digesting.skip(n);
        check(false);
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
        return digesting.count();
    }

    private void check(boolean atEnd) {
        if (expectedSize >= 0 && digesting.count() > expectedSize) {
            throw ContentMismatch.size(expected, expectedSize, digesting.digest(), digesting.count());
        }
        if (atEnd && !verified) {
            digesting.verify(expected, expectedSize);
            verified = true;
        }
    }
}
