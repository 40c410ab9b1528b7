package dev.berth.engine.distribution;

import dev.berth.core.content.BlobInfo;
import dev.berth.core.content.BlobStore;
import dev.berth.core.content.BlobWriter;
import dev.berth.core.digest.ContentMismatch;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.image.Descriptor;
import dev.berth.engine.image.ProgressListener;
import dev.berth.engine.image.StartupCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one blob into the content store through a named ingest ({@code pull-<digest>}), so
 * that an interrupted download resumes with a Range request where its bytes end, in this
 * attempt or the next pull. Bytes are hashed as they are written; the store commits only a blob
 * of the expected digest and size (a mismatch leaves nothing behind).
 */
final class BlobFetcher {
    private static final Logger log = LoggerFactory.getLogger(BlobFetcher.class);
    private static final int BUFFER = 256 * 1024;
    private static final long REPORT_STEP = 512 * 1024;
    /** Attempts per blob; each continues where the last one's bytes end. Docker tries 5 times. */
    private static final int ATTEMPTS = 5;

    private static final long WAIT_FOR_OTHER_WRITER_MS = 200;

    private final BlobStore blobs;

    BlobFetcher(BlobStore blobs) {
        this.blobs = blobs;
    }

    static String ingestRef(Digest digest) {
        return StartupCheck.RESUMABLE_PREFIX + digest;
    }

    /**
     * Makes {@code blob} present in the store, downloading it from {@code source} unless it
     * is there already. {@code id} keys progress lines ("Downloading", "Verifying Checksum").
     */
    BlobInfo fetch(BlobSource source, Descriptor blob, String id, ProgressListener progress) {
        return fetch(source, blob, id, progress, new LayerFeed());
    }

    /** As {@link #fetch}, offering the bytes to {@code feed} as they arrive and telling it how the download ended. */
    BlobInfo fetch(BlobSource source, Descriptor blob, String id, ProgressListener progress, LayerFeed feed) {
        try {
            BlobInfo info = fetchTo(source, blob, id, progress, feed);
            feed.committed();
            return info;
        } catch (RuntimeException e) {
            feed.failed(e);
            throw e;
        }
    }

    private BlobInfo fetchTo(BlobSource source, Descriptor blob, String id, ProgressListener progress, LayerFeed feed) {
        BerthException last = null;
        boolean restartedAfterMismatch = false;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (blobs.contains(blob.digest())) {
                feed.detach();
                return new BlobInfo(blob.digest(), blobs.size(blob.digest()).orElse(blob.size()));
            }
            BlobWriter writer;
            try {
                writer = blobs.writer(ingestRef(blob.digest()));
            } catch (BerthException busy) {
                if (busy.kind() != ErrorKind.UNAVAILABLE) {
                    throw busy;
                }
                // Another pull is downloading the same blob: wait for it rather than fetch it twice.
                sleep(WAIT_FOR_OTHER_WRITER_MS);
                attempt--;
                continue;
            }
            BlobWriter[] current = {writer};
            boolean resumed = writer.offset() > 0;
            try {
                return download(source, blob, id, progress, current, feed);
            } catch (BerthException e) {
                last = e;
                if (e.kind() == ErrorKind.DATA_LOSS && resumed && !restartedAfterMismatch) {
                    // Bytes kept from an earlier attempt (e.g. before a crash, never fsynced) may
                    // be what was wrong; the store dropped them, so one fresh download decides.
                    log.info(
                            "resumed download of {} failed verification ({}); fetching it whole",
                            blob.digest(),
                            e.getMessage());
                    restartedAfterMismatch = true;
                    attempt--;
                    continue;
                }
                // Bytes that failed verification are gone already; a broken connection keeps its
                // bytes for the next attempt. Anything but a transfer failure is final.
                if (e.kind() != ErrorKind.UNAVAILABLE) {
                    throw e;
                }
                log.info(
                        "download of {} from {} failed (attempt {} of {}): {}",
                        blob.digest(),
                        source.registry(),
                        attempt,
                        ATTEMPTS,
                        e.getMessage());
                sleep(Math.min(2000, 250L * attempt));
            } finally {
                if (current[0].offset() == 0) {
                    // An ingest without a byte resumes nothing: it goes rather than stay behind.
                    current[0].abort();
                }
                current[0].close();
            }
        }
        throw last;
    }

    private BlobInfo download(
            BlobSource source,
            Descriptor blob,
            String id,
            ProgressListener progress,
            BlobWriter[] current,
            LayerFeed feed) {
        long size = blob.size();
        BlobWriter writer = current[0];
        if (writer.offset() > 0) {
            // Resuming bytes from an earlier attempt the unpacker never saw: it reads the stored blob.
            feed.detach();
        }
        if (writer.offset() > size && size >= 0) {
            writer.abort();
            writer = current[0] = blobs.writer(ingestRef(blob.digest()));
        }
        long offset = writer.offset();
        if (offset == size && size > 0) {
            progress.status(id, "Verifying Checksum");
            return writer.commit(blob.digest(), size);
        }
        long started = System.nanoTime();
        try (BlobResponse response = source.open(blob.digest(), offset)) {
            if (response.offset() != offset) {
                // The registry ignored the Range: start over rather than append the beginning twice.
                writer.abort();
                writer = current[0] = blobs.writer(ingestRef(blob.digest()));
                feed.detach();
            }
            long written = writer.offset();
            progress.progress(id, "Downloading", written, size);
            long reported = written;
            byte[] buffer = new byte[BUFFER];
            OutputStream out = writer.output();
            InputStream in = response.body();
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    throw new BerthException(
                            ErrorKind.UNAVAILABLE,
                            "downloading %s from %s: %s after %d bytes"
                                    .formatted(blob.digest(), source.registry(), e.getMessage(), written),
                            e);
                }
                if (n < 0) {
                    break;
                }
                if (size >= 0 && written + n > size) {
                    // A source that sends more than promised is cut off at once.
                    writer.abort();
                    throw ContentMismatch.size(blob.digest(), size, blob.digest(), written + n);
                }
                try {
                    out.write(buffer, 0, n);
                    feed.offer(buffer, 0, n);
                } catch (IOException e) {
                    throw new BerthException(
                            ErrorKind.INTERNAL, "writing ingest of " + blob.digest() + ": " + e.getMessage(), e);
                }
                written += n;
                if (written - reported >= REPORT_STEP) {
                    progress.progress(id, "Downloading", written, size);
                    reported = written;
                }
            }
            if (size >= 0 && written < size) {
                throw BerthException.unavailable(
                        "downloading %s from %s: connection closed after %d of %d bytes",
                        blob.digest(), source.registry(), written, size);
            }
            progress.progress(id, "Downloading", written, size);
            progress.status(id, "Verifying Checksum");
            long downloaded = System.nanoTime();
            BlobInfo info = writer.commit(blob.digest(), size);
            log.debug(
                    "blob {}: {} KB downloaded in {} ms, committed in {} ms",
                    blob.digest().shortHex(),
                    (written - offset) >> 10,
                    (downloaded - started) / 1_000_000,
                    (System.nanoTime() - downloaded) / 1_000_000);
            return info;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BerthException(ErrorKind.UNAVAILABLE, "interrupted", e);
        }
    }
}
