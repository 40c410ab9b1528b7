package dev.berth.engine.distribution;

import dev.berth.core.digest.Digest;

/**
 * Where a pull's blobs come from: one repository of one registry, read from an offset so that a
 * broken download resumes. {@link #of} is the registry itself ({@link RegistrySession#openBlob});
 * tests put a source in its place that fails the way a network, a JVM or a client can.
 */
interface BlobSource {
    /**
     * Opens blob {@code digest} from byte {@code offset}; the answer may start at 0 instead (a
     * registry that ignored the Range). Fails with a {@link dev.berth.core.error.BerthException}.
     */
    BlobResponse open(Digest digest, long offset);

    /** The registry the bytes come from, for messages. */
    String registry();

    static BlobSource of(RegistrySession session, String repository) {
        return new BlobSource() {
            @Override
            public BlobResponse open(Digest digest, long offset) {
                return session.openBlob(repository, digest, offset);
            }

            @Override
            public String registry() {
                return session.domain();
            }
        };
    }
}
