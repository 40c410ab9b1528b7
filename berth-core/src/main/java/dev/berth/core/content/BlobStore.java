package dev.berth.core.content;

import dev.berth.core.digest.Digest;

import java.util.List;

/** The content store: {@code content/blobs/<alg>/<hex>} plus {@code content/ingest/}. */
public interface BlobStore extends BlobReader, BlobIngester {
    /** Removes the blob; false when it was not there. */
    boolean delete(Digest digest);

    /** Every committed blob, for garbage collection at start. */
    List<Digest> list();

    /** Refs of ingests in progress (partial files), for cleanup or resume. */
    List<String> ingests();
}
