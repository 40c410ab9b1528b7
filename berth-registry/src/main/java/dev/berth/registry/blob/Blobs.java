package dev.berth.registry.blob;

import dev.berth.core.content.BlobReader;
import dev.berth.core.digest.Digest;
import dev.berth.registry.error.OciError;
import dev.berth.registry.error.RegistryException;
import dev.berth.registry.storage.ReferenceLock;
import dev.berth.registry.storage.RepositoryStore;
import java.nio.file.Path;
import java.util.Map;

/**
 * The blobs of a repository (spec: "Pulling blobs", "Deleting blobs", the mount of "Pushing
 * blobs"): a blob is stored once in the content store and linked into each repository that has it.
 */
public final class Blobs {
    /** A blob as linked in a repository: its size, and the file the server sends it from. */
    public record StoredBlob(Digest digest, long size, Path file) {}

    private final BlobReader content;
    private final RepositoryStore repos;
    private final ReferenceLock references;

    public Blobs(BlobReader content, RepositoryStore repos, ReferenceLock references) {
        this.content = content;
        this.repos = repos;
        this.references = references;
    }

    /**
     * The blob as linked in the repository. A HEAD or GET also renews the link's age, because a
     * client that saw the blob will now push a manifest that relies on it.
     */
    public StoredBlob blob(String repo, Digest digest) {
        repos.require(repo);
        return references.referencing(() -> {
            if (!repos.touchBlob(repo, digest)) {
                throw unknown(digest);
            }
            long size = content.size(digest).orElseThrow(() -> unknown(digest));
            return new StoredBlob(digest, size, content.path(digest));
        });
    }

    /** Removes the blob from the repository; the bytes go at the next collection if unused. */
    public void delete(String repo, Digest digest) {
        repos.require(repo);
        if (!repos.unlinkBlob(repo, digest)) {
            throw unknown(digest);
        }
    }

    /** Cross-repository mount; false when {@code from} lacks the blob (the caller starts a session). */
    public boolean mount(String repo, Digest digest, String from) {
        RepositoryStore.checkName(repo);
        RepositoryStore.checkName(from);
        return references.referencing(() -> {
            if (content.size(digest).isEmpty()) {
                return false;
            }
            if (repos.hasBlob(repo, digest)) {
                repos.touchBlob(repo, digest);
                return true;
            }
            if (!repos.hasBlob(from, digest)) {
                return false;
            }
            repos.linkBlob(repo, digest);
            return true;
        });
    }

    private static RegistryException unknown(Digest digest) {
        return RegistryException.withDetail(
                OciError.BLOB_UNKNOWN, Map.of("digest", digest.toString()), "blob %s unknown to registry", digest);
    }
}
