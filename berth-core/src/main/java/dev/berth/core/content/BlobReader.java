package dev.berth.core.content;

import dev.berth.core.digest.Digest;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/** Reads committed blobs. Callers that only read ask for this role, not the whole store. */
public interface BlobReader {
    /** Size in bytes of the committed blob, or empty when the store lacks it. */
    Optional<Long> size(Digest digest);

    default boolean contains(Digest digest) {
        return size(digest).isPresent();
    }

    /** Opens the blob for reading; NOT_FOUND when absent. */
    InputStream open(Digest digest);

    /** The file holding the committed blob (for zero-copy serving); NOT_FOUND when absent. */
    Path path(Digest digest);
}
