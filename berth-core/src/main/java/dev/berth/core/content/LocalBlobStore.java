package dev.berth.core.content;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The content store on a local filesystem, laid out as containerd's local store and an OCI
 * image layout: {@code <root>/blobs/<alg>/<hex>} for committed blobs, {@code <root>/ingest/<ref>}
 * for partial ones. The root is normally {@code <data-root>/content}; both directories are on the
 * same filesystem so that commit is a rename.
 *
 * <p>A blob appears under {@code blobs/} only whole and verified: bytes are hashed as they are
 * written, checked against the expected digest and size, fsynced, renamed into place, and the
 * directory fsynced, so a crash leaves either no blob or the right one. Thread-safe: a ref is
 * written by one writer at a time, and commits and deletes of one digest are serialized.
 */
public final class LocalBlobStore implements BlobStore {
    private static final int COPY_BUFFER = 128 * 1024;
    private static final String[] ALGORITHMS = {"sha256", "sha512"};

    private final Path root;
    private final Path blobs;
    private final Path ingest;
    private final Set<String> refsInUse = ConcurrentHashMap.newKeySet();
    // Striped by digest: a commit's exists-check and rename, and a delete, must not interleave
    // for one digest; unrelated digests do not wait for each other.
    private final Object[] digestLocks = new Object[64];

    public LocalBlobStore(Path root) {
        this.root = root;
        this.blobs = root.resolve("blobs");
        this.ingest = root.resolve("ingest");
        for (int i = 0; i < digestLocks.length; i++) {
            digestLocks[i] = new Object();
        }
        try {
            Files.createDirectories(ingest);
            Files.createDirectories(blobs);
        } catch (IOException e) {
            throw io("creating content store at " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public Optional<Long> size(Digest digest) {
        try {
            return Optional.of(Files.size(blobPath(digest)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw io("reading size of blob " + digest, e);
        }
    }

    @Override
    public InputStream open(Digest digest) {
        try {
            return Files.newInputStream(blobPath(digest));
        } catch (NoSuchFileException e) {
            throw notFound(digest);
        } catch (IOException e) {
            throw io("opening blob " + digest, e);
        }
    }

    @Override
    public Path path(Digest digest) {
        Path path = blobPath(digest);
        if (!Files.isRegularFile(path)) {
            throw notFound(digest);
        }
        return path;
    }

    @Override
    public BlobInfo ingest(InputStream in, Digest expected, long expectedSize) {
        String algorithm = expected == null ? "sha256" : expected.algorithm();
        // A ref of its own: a one-shot ingest never resumes, and must not meet another writer.
        try (LocalBlobWriter writer = openWriter("oneshot-" + UUID.randomUUID(), algorithm)) {
            try {
                copy(in, writer, expected);
                return writer.commit(expected, expectedSize);
            } catch (RuntimeException e) {
                writer.abort();
                throw e;
            }
        }
    }

    private static void copy(InputStream in, LocalBlobWriter writer, Digest expected) {
        byte[] buffer = new byte[COPY_BUFFER];
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                // The source broke off: what arrived is a truncated blob, not a disk problem.
                throw new BerthException(
                        ErrorKind.DATA_LOSS,
                        "truncated input for %s after %d bytes: %s"
                                .formatted(expected == null ? "blob" : expected, writer.offset(), e.getMessage()),
                        e);
            }
            if (n < 0) {
                return;
            }
            writer.write(buffer, 0, n);
        }
    }

    @Override
    public BlobWriter writer(String ref) {
        return openWriter(ref, "sha256");
    }

    private LocalBlobWriter openWriter(String ref, String algorithm) {
        Path file = ingest.resolve(IngestNames.fileName(ref));
        if (!refsInUse.add(ref)) {
            throw BerthException.unavailable("ingest %s is already being written", ref);
        }
        try {
            return new LocalBlobWriter(this, ref, file, algorithm);
        } catch (RuntimeException e) {
            refsInUse.remove(ref);
            throw e;
        }
    }

    /** Called by a writer when it is closed, committed or aborted. */
    void release(String ref) {
        refsInUse.remove(ref);
    }

    /**
     * Moves a verified, fsynced ingest file into {@code blobs/}. If the blob is there already
     * (committed earlier or by a concurrent ingest of the same bytes) the ingest is discarded.
     */
    BlobInfo commitFile(Path ingestFile, Digest digest, long size) {
        Path target = blobPath(digest);
        synchronized (lockFor(digest)) {
            try {
                if (Files.exists(target)) {
                    Files.deleteIfExists(ingestFile);
                    return new BlobInfo(digest, size);
                }
                Path algorithmDir = target.getParent();
                if (!Files.isDirectory(algorithmDir)) {
                    Files.createDirectories(algorithmDir);
                    AtomicFiles.fsyncDirectory(blobs);
                }
                AtomicFiles.move(ingestFile, target);
                return new BlobInfo(digest, size);
            } catch (IOException e) {
                throw io("committing blob " + digest + " from " + ingestFile, e);
            }
        }
    }

    @Override
    public boolean delete(Digest digest) {
        Path path = blobPath(digest);
        synchronized (lockFor(digest)) {
            try {
                boolean deleted = Files.deleteIfExists(path);
                if (deleted) {
                    AtomicFiles.fsyncDirectory(path.getParent());
                }
                return deleted;
            } catch (IOException e) {
                throw io("deleting blob " + digest, e);
            }
        }
    }

    @Override
    public List<Digest> list() {
        List<Digest> digests = new ArrayList<>();
        for (String algorithm : ALGORITHMS) {
            Path dir = blobs.resolve(algorithm);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    // Anything else in blobs/ is not ours to report as a blob; GC leaves it alone.
                    parseBlobName(algorithm, entry.getFileName().toString()).ifPresent(digests::add);
                }
            } catch (IOException e) {
                throw io("listing " + dir, e);
            }
        }
        digests.sort(null);
        return digests;
    }

    @Override
    public List<String> ingests() {
        List<String> refs = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(ingest)) {
            for (Path entry : entries) {
                IngestNames.ref(entry.getFileName().toString()).ifPresent(refs::add);
            }
        } catch (IOException e) {
            throw io("listing " + ingest, e);
        }
        refs.sort(null);
        return refs;
    }

    @Override
    public Optional<Instant> ingestModified(String ref) {
        Path file = ingest.resolve(IngestNames.fileName(ref));
        try {
            return Optional.of(Files.getLastModifiedTime(file).toInstant());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw io("reading age of ingest " + file, e);
        }
    }

    private static Optional<Digest> parseBlobName(String algorithm, String hex) {
        try {
            return Optional.of(new Digest(algorithm, hex));
        } catch (BerthException e) {
            return Optional.empty();
        }
    }

    private Path blobPath(Digest digest) {
        return blobs.resolve(digest.algorithm()).resolve(digest.hex());
    }

    private Object lockFor(Digest digest) {
        return digestLocks[Math.floorMod(digest.hex().hashCode(), digestLocks.length)];
    }

    private static BerthException notFound(Digest digest) {
        return BerthException.notFound("blob %s not found", digest);
    }

    static BerthException io(String what, IOException e) {
        return BerthException.internal(what + ": " + e, e);
    }
}
