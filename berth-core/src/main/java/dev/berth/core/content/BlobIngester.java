package dev.berth.core.content;

import dev.berth.core.digest.Digest;
import java.io.InputStream;

/**
 * Writes blobs: bytes go to {@code content/ingest/<ref>}, are hashed as they stream, checked
 * against the expected digest and size, fsynced, and renamed into {@code content/blobs/}. A
 * mismatch or a truncated input leaves nothing behind and fails with DATA_LOSS naming both
 * digests.
 */
public interface BlobIngester {
    /**
     * Streams {@code in} to the end into the store.
     *
     * @param expected the digest the bytes must have (sha256 or sha512), or null to accept whatever
     *                 they hash to (sha256)
     * @param expectedSize the byte count they must have, or -1 when unknown
     */
    BlobInfo ingest(InputStream in, Digest expected, long expectedSize);

    /**
     * Opens (or resumes) a named ingest. The same ref after a restart continues where the
     * bytes on disk end, so interrupted downloads and uploads resume. Any text is a valid ref;
     * one ref has one writer at a time (UNAVAILABLE otherwise), so give concurrent ingests of
     * the same blob different refs: the first commit stores it, later ones are discarded.
     */
    BlobWriter writer(String ref);
}
