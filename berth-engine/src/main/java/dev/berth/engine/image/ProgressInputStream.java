package dev.berth.engine.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reports bytes read to a {@link ProgressListener}, at most every 512 KiB and at the end. */
final class ProgressInputStream extends FilterInputStream {
    private static final long STEP = 512 * 1024;

    private final long total;
    private final String id;
    private final String status;
    private final ProgressListener listener;
    private long read;
    private long reported = -1;

    ProgressInputStream(InputStream in, long total, String id, String status, ProgressListener listener) {
        super(in);
        this.total = total;
        this.id = id;
        this.status = status;
        this.listener = listener;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        count(b < 0 ? -1 : 1);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        count(n);
        return n;
    }

    private void count(int n) {
        if (n > 0) {
            read += n;
        }
        if ((n < 0 && reported != read) || read - Math.max(reported, 0) >= STEP || reported < 0) {
            reported = read;
            listener.progress(id, status, read, total);
        }
    }
}
