package dev.berth.core.content;

import dev.berth.core.digest.Digest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The content store: {@code content/blobs/<alg>/<hex>} plus {@code content/ingest/}. */
public interface BlobStore extends BlobReader, BlobIngester {
    /** Removes the blob; false when it was not there. */
    boolean delete(Digest digest);

    /** Every committed blob, for garbage collection at start. */
    List<Digest> list();

    /** Refs of ingests in progress (partial files), for cleanup or resume. */
    List<String> ingests();

    /** When ingest {@code ref} last received bytes; empty when there is no such ingest. */
    Optional<Instant> ingestModified(String ref);
}
