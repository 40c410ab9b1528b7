package dev.berth.registry.upload;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.content.BlobInfo;
import dev.berth.core.content.BlobStore;
import dev.berth.core.content.BlobWriter;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.io.AtomicFiles;
import dev.berth.registry.error.OciError;
import dev.berth.registry.error.RegistryException;
import dev.berth.registry.storage.ReferenceLock;
import dev.berth.registry.storage.RepositoryStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Blob uploads (spec: "Pushing blobs"): single-request monolithic uploads and resumable sessions
 * appended chunk by chunk. A session's bytes are an ingest of the content store and its state a
 * small file under {@code uploads/}, so a session survives a restart; a session without activity
 * has its file closed after a while ({@link #closeIdleWriters}) and ends after the upload TTL
 * ({@link #purge}). Finishing an upload commits the blob and links it under the shared side of
 * the {@link ReferenceLock}.
 */
public final class Uploads implements AutoCloseable {
    private static final String UPLOAD_PREFIX = "registry-upload-";
    /**
     * The ref prefix of ingests that no session resumes (monolithic uploads, manifests): what a
     * crash left of them is aborted when the registry opens.
     */
    public static final String DIRECT_PREFIX = "registry-direct-";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The state of an upload session as the client sees it. */
    public record UploadStatus(String uuid, String repository, long offset) {}

    private record UploadState(String uuid, String repository, String algorithm, String startedAt) {}

    private static final class Upload {
        final UploadState state;
        final ReentrantLock lock = new ReentrantLock();
        BlobWriter writer;
        boolean closed;

        Upload(UploadState state) {
            this.state = state;
        }
    }

    private final BlobStore content;
    private final RepositoryStore repos;
    private final ReferenceLock references;
    private final Path uploadsDir;
    private final ConcurrentHashMap<String, Upload> uploads = new ConcurrentHashMap<>();

    public Uploads(BlobStore content, RepositoryStore repos, ReferenceLock references, Path uploadsDir) {
        this.content = content;
        this.repos = repos;
        this.references = references;
        this.uploadsDir = uploadsDir;
        try {
            Files.createDirectories(uploadsDir);
        } catch (IOException e) {
            throw BerthException.internal("cannot create " + uploadsDir, e);
        }
        // A monolithic upload cut off by a crash cannot be resumed (the client never got a session).
        for (String ref : content.ingests()) {
            if (ref.startsWith(DIRECT_PREFIX)) {
                try (BlobWriter w = content.writer(ref)) {
                    w.abort();
                }
            }
        }
    }

    /** Releases open upload files; their bytes stay on disk for a resume after restart. */
    @Override
    public void close() {
        for (Upload u : uploads.values()) {
            u.lock.lock();
            try {
                if (u.writer != null && !u.closed) {
                    u.writer.close();
                    u.writer = null;
                }
            } finally {
                u.lock.unlock();
            }
        }
        uploads.clear();
    }

    /** Single-request monolithic upload (POST with {@code ?digest=}). */
    public BlobInfo put(String repo, Digest expected, InputStream body, long contentLength) {
        RepositoryStore.checkName(repo);
        BlobWriter w = content.writer(DIRECT_PREFIX + UUID.randomUUID());
        try {
            copy(body, w.output(), contentLength);
            return commitAndLink(repo, w, expected);
        } catch (RuntimeException e) {
            w.abort();
            throw e;
        } finally {
            w.close();
        }
    }

    private BlobInfo commitAndLink(String repo, BlobWriter w, Digest expected) {
        return references.referencing(() -> {
            BlobInfo info;
            try {
                info = w.commit(expected, -1);
            } catch (BerthException e) {
                if (e.kind() == ErrorKind.DATA_LOSS) {
                    throw RegistryException.withDetail(
                            OciError.DIGEST_INVALID, Map.of("digest", expected.toString()), "%s", e.getMessage());
                }
                throw e;
            }
            repos.linkBlob(repo, info.digest());
            return info;
        });
    }

    public UploadStatus start(String repo, String algorithm) {
        RepositoryStore.checkName(repo);
        String alg = algorithm == null ? "sha256" : algorithm;
        if (!alg.equals("sha256") && !alg.equals("sha512")) {
            throw RegistryException.of(OciError.DIGEST_INVALID, "unsupported digest algorithm: %s", alg);
        }
        String uuid = UUID.randomUUID().toString();
        UploadState state = new UploadState(uuid, repo, alg, Instant.now().toString());
        try {
            // Not fsynced: the session's bytes are not durable before the upload completes either,
            // so after a machine crash the client starts over in any case; a restart keeps both.
            AtomicFiles.writeVolatile(uploadsDir.resolve(uuid + ".json"), JSON.writeValueAsBytes(state));
        } catch (IOException e) {
            throw BerthException.internal("cannot record upload " + uuid, e);
        }
        uploads.put(uuid, new Upload(state));
        return new UploadStatus(uuid, repo, 0);
    }

    private Upload upload(String repo, String uuid) {
        RepositoryStore.checkName(repo);
        Upload u = null;
        if (uuid.matches("[0-9a-f-]{36}")) {
            u = uploads.computeIfAbsent(uuid, this::load);
        }
        if (u == null || !u.state.repository().equals(repo)) {
            throw unknown(uuid);
        }
        return u;
    }

    private static RegistryException unknown(String uuid) {
        return RegistryException.withDetail(
                OciError.BLOB_UPLOAD_UNKNOWN, Map.of("uuid", uuid), "upload %s unknown to registry", uuid);
    }

    private Upload load(String uuid) {
        byte[] data = AtomicFiles.readIfExists(uploadsDir.resolve(uuid + ".json"));
        if (data == null) {
            return null;
        }
        try {
            return new Upload(JSON.readValue(data, UploadState.class));
        } catch (IOException e) {
            throw BerthException.dataLoss(
                    "corrupt upload state %s: %s", uploadsDir.resolve(uuid + ".json"), e.getMessage());
        }
    }

    /** Runs {@code action} holding the session; fails with BLOB_UPLOAD_UNKNOWN when it ended meanwhile. */
    private <T> T withUpload(String repo, String uuid, Function<Upload, T> action) {
        Upload u = upload(repo, uuid);
        u.lock.lock();
        try {
            if (u.closed) {
                throw unknown(uuid);
            }
            if (u.writer == null) {
                u.writer = content.writer(UPLOAD_PREFIX + uuid);
            }
            return action.apply(u);
        } finally {
            u.lock.unlock();
        }
    }

    public UploadStatus status(String repo, String uuid) {
        return withUpload(repo, uuid, u -> new UploadStatus(uuid, repo, u.writer.offset()));
    }

    /**
     * Appends a chunk. {@code rangeStart} (from Content-Range) must equal the bytes received so
     * far, else 416; bytes already received stay, so a client can ask for the status and resume.
     */
    public UploadStatus append(
            String repo, String uuid, Long rangeStart, Long rangeEnd, InputStream body, long contentLength) {
        return withUpload(repo, uuid, u -> {
            appendChunk(u, rangeStart, rangeEnd, body, contentLength);
            return new UploadStatus(uuid, repo, u.writer.offset());
        });
    }

    private void appendChunk(Upload u, Long rangeStart, Long rangeEnd, InputStream body, long contentLength) {
        long offset = u.writer.offset();
        if (rangeStart != null) {
            if (rangeStart != offset) {
                throw RegistryException.withDetail(
                                OciError.BLOB_UPLOAD_INVALID,
                                Map.of("offset", offset),
                                "chunk starts at %d but the upload has %d bytes",
                                rangeStart,
                                offset)
                        .withStatus(416);
            }
            if (rangeEnd < rangeStart - 1 || (contentLength >= 0 && rangeEnd - rangeStart + 1 != contentLength)) {
                throw RegistryException.of(
                                OciError.BLOB_UPLOAD_INVALID,
                                "Content-Range %d-%d does not match Content-Length %d",
                                rangeStart,
                                rangeEnd,
                                contentLength)
                        .withStatus(416);
            }
        }
        copy(body, u.writer.output(), contentLength);
        try {
            Files.setLastModifiedTime(uploadsDir.resolve(u.state.uuid() + ".json"), FileTime.from(Instant.now()));
        } catch (IOException e) {
            throw BerthException.internal("cannot touch upload state " + u.state.uuid(), e);
        }
    }

    /**
     * Closes the session with the digest of the whole blob, after an optional final chunk. A digest
     * mismatch stores nothing and ends the session.
     */
    public BlobInfo finish(
            String repo,
            String uuid,
            Digest digest,
            Long rangeStart,
            Long rangeEnd,
            InputStream body,
            long contentLength) {
        return withUpload(repo, uuid, u -> {
            if (contentLength != 0 || rangeStart != null) {
                appendChunk(u, rangeStart, rangeEnd, body, contentLength);
            }
            try {
                return commitAndLink(repo, u.writer, digest);
            } finally {
                end(u);
            }
        });
    }

    public void cancel(String repo, String uuid) {
        withUpload(repo, uuid, u -> {
            u.writer.abort();
            end(u);
            return null;
        });
    }

    private void end(Upload u) {
        u.closed = true;
        u.writer.close();
        uploads.remove(u.state.uuid());
        AtomicFiles.deleteQuietly(uploadsDir.resolve(u.state.uuid() + ".json"));
    }

    /**
     * Releases the open files of sessions without activity since {@code idleSince}, so abandoned
     * uploads do not hold descriptors; a later PATCH or PUT reopens and resumes them.
     */
    public int closeIdleWriters(Instant idleSince) {
        int closed = 0;
        for (Upload u : uploads.values()) {
            if (!u.lock.tryLock()) {
                continue;
            }
            try {
                Path state = uploadsDir.resolve(u.state.uuid() + ".json");
                if (!u.closed
                        && u.writer != null
                        && Files.getLastModifiedTime(state).toInstant().isBefore(idleSince)) {
                    // The session stays; withUpload reopens the file on its next request.
                    u.writer.close();
                    u.writer = null;
                    closed++;
                }
            } catch (IOException e) {
                // The state file is gone: the session ended meanwhile.
            } finally {
                u.lock.unlock();
            }
        }
        return closed;
    }

    /**
     * Ends sessions without activity since {@code idleSince} (spec: "the server SHOULD eventually
     * timeout unfinished uploads"); returns their count.
     */
    public int purge(Instant idleSince) {
        int purged = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(uploadsDir, "*.json")) {
            for (Path p : ds) {
                if (Files.getLastModifiedTime(p).toInstant().isAfter(idleSince)) {
                    continue;
                }
                String uuid = p.getFileName().toString().replace(".json", "");
                Upload u = uploads.computeIfAbsent(uuid, this::load);
                if (u == null || !u.lock.tryLock()) {
                    continue;
                }
                try {
                    if (!u.closed) {
                        if (u.writer == null) {
                            u.writer = content.writer(UPLOAD_PREFIX + uuid);
                        }
                        u.writer.abort();
                        end(u);
                        purged++;
                    }
                } finally {
                    u.lock.unlock();
                }
            }
        } catch (IOException e) {
            throw BerthException.internal("cannot list uploads in " + uploadsDir, e);
        }
        return purged + purgeOrphanIngests(idleSince);
    }

    /**
     * Upload bytes whose session state is gone (a machine crash can lose the unsynced state file
     * while keeping some of the bytes) and that nobody wrote since {@code idleSince}.
     */
    private int purgeOrphanIngests(Instant idleSince) {
        int purged = 0;
        for (String ref : content.ingests()) {
            if (!ref.startsWith(UPLOAD_PREFIX)) {
                continue;
            }
            String uuid = ref.substring(UPLOAD_PREFIX.length());
            if (uploads.containsKey(uuid)
                    || Files.exists(uploadsDir.resolve(uuid + ".json"))
                    || content.ingestModified(ref)
                            .map(m -> m.isAfter(idleSince))
                            .orElse(true)) {
                continue;
            }
            try (BlobWriter w = content.writer(ref)) {
                w.abort();
                purged++;
            } catch (BerthException busy) {
                // Being written right now: not an orphan after all.
            }
        }
        return purged;
    }

    private static void copy(InputStream in, OutputStream out, long contentLength) {
        try {
            long n = in.transferTo(out);
            if (contentLength >= 0 && n != contentLength) {
                throw RegistryException.of(
                        OciError.SIZE_INVALID, "received %d bytes, Content-Length said %d", n, contentLength);
            }
        } catch (IOException e) {
            throw BerthException.unavailable("upload interrupted: %s", e.getMessage());
        }
    }
}
