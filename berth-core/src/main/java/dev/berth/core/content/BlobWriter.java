package dev.berth.core.content;

import dev.berth.core.digest.Digest;
import java.io.OutputStream;

/** A resumable ingest in progress under {@code content/ingest/<ref>}. */
public interface BlobWriter extends AutoCloseable {
    String ref();

    /** Bytes written so far, including those from before a restart. */
    long offset();

    /** Appends at {@link #offset()}. */
    OutputStream output();

    /** Verifies, fsyncs and renames into place; the ingest is gone afterwards. */
    BlobInfo commit(Digest expected, long expectedSize);

    /** Deletes the partial bytes; does nothing once the writer is closed or committed. */
    void abort();

    /** Releases file handles, keeping the partial bytes for a later resume. */
    @Override
    void close();
}
