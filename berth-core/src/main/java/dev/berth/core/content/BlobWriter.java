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

    /**
     * The digest of the bytes written so far: what {@link #commit} stores them under. A caller that
     * must keep the blob alive from the moment it is in the store leases this digest first (the
     * commit may find the blob there already, and a removal must not take it in between).
     */
    Digest digest();

    /** Verifies, fsyncs and renames into place; the ingest is gone afterwards. */
    BlobInfo commit(Digest expected, long expectedSize);

    /** Deletes the partial bytes; does nothing once the writer is closed or committed. */
    void abort();

    /** Releases file handles, keeping the partial bytes for a later resume. */
    @Override
    void close();
}
