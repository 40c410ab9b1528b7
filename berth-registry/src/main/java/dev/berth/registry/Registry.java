package dev.berth.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.content.BlobInfo;
import dev.berth.core.content.BlobStore;
import dev.berth.core.content.BlobWriter;
import dev.berth.core.content.LocalBlobStore;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.registry.manifest.AcceptedTypes;
import dev.berth.registry.manifest.ManifestRefs;
import dev.berth.registry.manifest.MediaTypes;
import dev.berth.registry.storage.AtomicFiles;
import dev.berth.registry.storage.RepositoryStore;
import dev.berth.registry.storage.RepositoryStore.Revision;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The OCI Distribution service: every operation of the spec, without HTTP. Blobs live once in
 * the shared {@link BlobStore}; repositories hold links ({@link RepositoryStore}); upload sessions
 * are ingests of the blob store plus a small state file, so they survive a restart.
 *
 * <p>Garbage collection safety: every operation that makes a blob reachable (finishing an upload,
 * a mount, a manifest push, a HEAD that a client will rely on) runs under the shared side of
 * {@link #referenceLock()}; the collector takes the exclusive side only for its final check and
 * sweep. Manifests pushed while the collector marks are recorded in a journal that the sweep
 * reads under the exclusive lock, so none is missed.
 */
public final class Registry implements AutoCloseable {
    /** Manifests larger than this are refused with 413 (the spec asks for at least 4 MB). */
    public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

    private static final String UPLOAD_PREFIX = "registry-upload-";
    private static final String DIRECT_PREFIX = "registry-direct-";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The state of an upload session as the client sees it. */
    public record UploadStatus(String uuid, String repository, long offset) {}

    /** A manifest as served: digest, media type for Content-Type, and the exact pushed bytes. */
    public record StoredManifest(Digest digest, String mediaType, byte[] bytes) {}

    /** The outcome of a manifest push. */
    public record PushedManifest(Digest digest, Digest subject, List<String> tags) {}

    /** One page of a sorted listing; {@code more} when entries follow the last one returned. */
    public record Page(List<String> items, boolean more) {}

    /** A manifest pushed since the collector started marking. */
    public record JournalEntry(String repository, Digest digest) {}

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

    private final Path root;
    private final BlobStore blobs;
    private final RepositoryStore repos;
    private final Path uploadsDir;
    private final ReadWriteLock referenceLock = new ReentrantReadWriteLock();
    private final ConcurrentHashMap<String, Upload> uploads = new ConcurrentHashMap<>();
    private volatile Set<JournalEntry> journal = ConcurrentHashMap.newKeySet();

    public Registry(Path root, BlobStore blobs) {
        this.root = root;
        this.blobs = blobs;
        this.repos = new RepositoryStore(root.resolve("repositories"));
        this.uploadsDir = root.resolve("uploads");
        try {
            Files.createDirectories(uploadsDir);
        } catch (IOException e) {
            throw BerthException.internal("cannot create " + uploadsDir, e);
        }
        // A monolithic upload cut off by a crash cannot be resumed (the client never got a session).
        for (String ref : blobs.ingests()) {
            if (ref.startsWith(DIRECT_PREFIX)) {
                try (BlobWriter w = blobs.writer(ref)) {
                    w.abort();
                }
            }
        }
    }

    /** The registry on {@code <root>/content} (blobs), {@code repositories/} and {@code uploads/}. */
    public static Registry open(Path root) {
        return new Registry(root, new LocalBlobStore(root.resolve("content")));
    }

    public Path root() {
        return root;
    }

    public BlobStore blobStore() {
        return blobs;
    }

    public RepositoryStore repositoryStore() {
        return repos;
    }

    /** Shared: operations that make blobs reachable. Exclusive: the collector's sweep. */
    public ReadWriteLock referenceLock() {
        return referenceLock;
    }

    /** Starts a new journal of pushed manifests and returns nothing; see {@link #drainJournal()}. */
    public void startJournal() {
        journal = ConcurrentHashMap.newKeySet();
    }

    /** Manifests pushed since {@link #startJournal()}; call with the exclusive lock held. */
    public Set<JournalEntry> drainJournal() {
        Set<JournalEntry> j = journal;
        journal = ConcurrentHashMap.newKeySet();
        return j;
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

    // --- names -------------------------------------------------------------------------------

    public static void checkName(String name) {
        if (name == null
                || name.length() > 255
                || !RepositoryStore.NAME.matcher(name).matches()) {
            throw RegistryException.withDetail(
                    OciError.NAME_INVALID, Map.of("name", String.valueOf(name)), "invalid repository name: %s", name);
        }
    }

    private void requireRepository(String name) {
        checkName(name);
        if (!repos.exists(name)) {
            throw RegistryException.withDetail(
                    OciError.NAME_UNKNOWN, Map.of("name", name), "repository %s not known to registry", name);
        }
    }

    // --- blobs -------------------------------------------------------------------------------

    /**
     * The blob as linked in the repository. A HEAD or GET also renews the link's age, because a
     * client that saw the blob will now push a manifest that relies on it.
     */
    public BlobInfo blob(String repo, Digest digest) {
        requireRepository(repo);
        referenceLock.readLock().lock();
        try {
            if (!repos.touchBlob(repo, digest)) {
                throw blobUnknown(digest);
            }
            return new BlobInfo(digest, blobs.size(digest).orElseThrow(() -> blobUnknown(digest)));
        } finally {
            referenceLock.readLock().unlock();
        }
    }

    public Path blobPath(String repo, Digest digest) {
        blob(repo, digest);
        return blobs.path(digest);
    }

    /** Removes the blob from the repository; the bytes go at the next collection if unused. */
    public void deleteBlob(String repo, Digest digest) {
        requireRepository(repo);
        if (!repos.unlinkBlob(repo, digest)) {
            throw blobUnknown(digest);
        }
    }

    private static RegistryException blobUnknown(Digest digest) {
        return RegistryException.withDetail(
                OciError.BLOB_UNKNOWN, Map.of("digest", digest.toString()), "blob %s unknown to registry", digest);
    }

    /** Single-request monolithic upload (POST with {@code ?digest=}). */
    public BlobInfo putBlob(String repo, Digest expected, InputStream body, long contentLength) {
        checkName(repo);
        BlobWriter w = blobs.writer(DIRECT_PREFIX + UUID.randomUUID());
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
        referenceLock.readLock().lock();
        try {
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
        } finally {
            referenceLock.readLock().unlock();
        }
    }

    /** Cross-repository mount; false when {@code from} lacks the blob (the caller starts a session). */
    public boolean mount(String repo, Digest digest, String from) {
        checkName(repo);
        checkName(from);
        referenceLock.readLock().lock();
        try {
            if (blobs.size(digest).isEmpty()) {
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
        } finally {
            referenceLock.readLock().unlock();
        }
    }

    // --- uploads -----------------------------------------------------------------------------

    public UploadStatus startUpload(String repo, String algorithm) {
        checkName(repo);
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
        checkName(repo);
        Upload u = null;
        if (uuid.matches("[0-9a-f-]{36}")) {
            u = uploads.computeIfAbsent(uuid, this::loadUpload);
        }
        if (u == null || !u.state.repository().equals(repo)) {
            throw RegistryException.withDetail(
                    OciError.BLOB_UPLOAD_UNKNOWN, Map.of("uuid", uuid), "upload %s unknown to registry", uuid);
        }
        return u;
    }

    private Upload loadUpload(String uuid) {
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
    private <T> T withUpload(String repo, String uuid, java.util.function.Function<Upload, T> action) {
        Upload u = upload(repo, uuid);
        u.lock.lock();
        try {
            if (u.closed) {
                throw RegistryException.withDetail(
                        OciError.BLOB_UPLOAD_UNKNOWN, Map.of("uuid", uuid), "upload %s unknown to registry", uuid);
            }
            if (u.writer == null) {
                u.writer = blobs.writer(UPLOAD_PREFIX + uuid);
            }
            return action.apply(u);
        } finally {
            u.lock.unlock();
        }
    }

    public UploadStatus uploadStatus(String repo, String uuid) {
        return withUpload(repo, uuid, u -> new UploadStatus(uuid, repo, u.writer.offset()));
    }

    /**
     * Appends a chunk. {@code rangeStart} (from Content-Range) must equal the bytes received so
     * far, else 416; bytes already received stay, so a client can ask for the status and resume.
     */
    public UploadStatus appendUpload(
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
    public BlobInfo finishUpload(
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
                endUpload(u);
            }
        });
    }

    public void cancelUpload(String repo, String uuid) {
        withUpload(repo, uuid, u -> {
            u.writer.abort();
            endUpload(u);
            return null;
        });
    }

    private void endUpload(Upload u) {
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

    /** Ends sessions without activity since {@code idleSince}; returns their count (for the collector). */
    public int purgeUploads(Instant idleSince) {
        int purged = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(uploadsDir, "*.json")) {
            for (Path p : ds) {
                if (Files.getLastModifiedTime(p).toInstant().isAfter(idleSince)) {
                    continue;
                }
                String uuid = p.getFileName().toString().replace(".json", "");
                Upload u = uploads.computeIfAbsent(uuid, this::loadUpload);
                if (u == null || !u.lock.tryLock()) {
                    continue;
                }
                try {
                    if (!u.closed) {
                        if (u.writer == null) {
                            u.writer = blobs.writer(UPLOAD_PREFIX + uuid);
                        }
                        u.writer.abort();
                        endUpload(u);
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
        for (String ref : blobs.ingests()) {
            if (!ref.startsWith(UPLOAD_PREFIX)) {
                continue;
            }
            String uuid = ref.substring(UPLOAD_PREFIX.length());
            if (uploads.containsKey(uuid)
                    || Files.exists(uploadsDir.resolve(uuid + ".json"))
                    || blobs.ingestModified(ref).map(m -> m.isAfter(idleSince)).orElse(true)) {
                continue;
            }
            try (BlobWriter w = blobs.writer(ref)) {
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

    // --- manifests ---------------------------------------------------------------------------

    private static boolean isDigest(String reference) {
        return reference.indexOf(':') > 0;
    }

    private static Digest parseDigest(String text) {
        try {
            return Digest.parse(text);
        } catch (BerthException e) {
            throw RegistryException.withDetail(OciError.DIGEST_INVALID, Map.of("digest", text), "%s", e.getMessage());
        }
    }

    private static void checkTag(String tag) {
        if (!RepositoryStore.TAG.matcher(tag).matches()) {
            throw RegistryException.withDetail(OciError.MANIFEST_INVALID, Map.of("tag", tag), "invalid tag: %s", tag);
        }
    }

    private Digest resolve(String repo, String reference) {
        requireRepository(repo);
        if (isDigest(reference)) {
            return parseDigest(reference);
        }
        checkTag(reference);
        return repos.resolveTag(repo, reference)
                .orElseThrow(() -> RegistryException.withDetail(
                        OciError.MANIFEST_UNKNOWN,
                        Map.of("tag", reference),
                        "manifest %s:%s unknown to registry",
                        repo,
                        reference));
    }

    public StoredManifest manifest(String repo, String reference) {
        Digest digest = resolve(repo, reference);
        Revision rev = repos.revision(repo, digest).orElseThrow(() -> manifestUnknown(repo, digest));
        byte[] bytes;
        try (InputStream in = blobs.open(digest)) {
            bytes = in.readAllBytes();
        } catch (BerthException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                throw BerthException.dataLoss(
                        "manifest %s of %s is linked but its blob is missing from %s",
                        digest, repo, root.resolve("content"));
            }
            throw e;
        } catch (IOException e) {
            throw BerthException.internal("cannot read manifest " + digest, e);
        }
        return new StoredManifest(digest, rev.mediaType(), bytes);
    }

    /**
     * The manifest as a client that accepts {@code accepted} may get it, following Docker's
     * distribution: an OCI manifest or index that the client does not accept is MANIFEST_UNKNOWN
     * (such a client could not parse it); a Docker manifest list asked for by tag by a client
     * that does not accept lists gets the list's linux/amd64 manifest instead (what old Docker
     * clients pull); anything else is served as stored (Berth keeps no schema1 to convert to).
     */
    public StoredManifest manifest(String repo, String reference, AcceptedTypes accepted) {
        StoredManifest m = manifest(repo, reference);
        if (accepted.accepts(m.mediaType())) {
            return m;
        }
        return switch (m.mediaType()) {
            case MediaTypes.OCI_MANIFEST ->
                throw RegistryException.withDetail(
                        OciError.MANIFEST_UNKNOWN,
                        Map.of("digest", m.digest().toString()),
                        "OCI manifest found, but accept header does not support OCI manifests");
            case MediaTypes.OCI_INDEX ->
                throw RegistryException.withDetail(
                        OciError.MANIFEST_UNKNOWN,
                        Map.of("digest", m.digest().toString()),
                        "OCI index found, but accept header does not support OCI indexes");
            case MediaTypes.DOCKER_MANIFEST_LIST -> isDigest(reference) ? m : defaultPlatform(repo, m, accepted);
            default -> m;
        };
    }

    private StoredManifest defaultPlatform(String repo, StoredManifest list, AcceptedTypes accepted) {
        Digest child = null;
        try {
            for (var d : JSON.readTree(list.bytes()).path("manifests")) {
                var platform = d.path("platform");
                if ("amd64".equals(platform.path("architecture").asText())
                        && "linux".equals(platform.path("os").asText())) {
                    child = Digest.parse(d.path("digest").asText());
                    break;
                }
            }
        } catch (IOException | BerthException e) {
            throw BerthException.dataLoss(
                    "stored manifest list %s of %s cannot be read: %s", list.digest(), repo, e.getMessage());
        }
        if (child == null) {
            throw RegistryException.withDetail(
                    OciError.MANIFEST_UNKNOWN,
                    Map.of("digest", list.digest().toString()),
                    "manifest list %s has no linux/amd64 manifest, and the client does not accept manifest lists",
                    list.digest());
        }
        StoredManifest m = manifest(repo, child.toString());
        if (!accepted.accepts(m.mediaType())) {
            throw RegistryException.withDetail(
                    OciError.MANIFEST_INVALID,
                    Map.of("digest", child.toString()),
                    "%s manifest not supported by client",
                    m.mediaType());
        }
        return m;
    }

    private static RegistryException manifestUnknown(String repo, Digest digest) {
        return RegistryException.withDetail(
                OciError.MANIFEST_UNKNOWN,
                Map.of("digest", digest.toString()),
                "manifest %s@%s unknown to registry",
                repo,
                digest);
    }

    /**
     * Stores a manifest exactly as pushed, after checking that every blob and child manifest it
     * names is in the repository (non-distributable layers with urls excepted) and that it hashes
     * to the digest it is pushed under.
     */
    public PushedManifest putManifest(
            String repo, String reference, String contentType, byte[] bytes, List<String> extraTags) {
        checkName(repo);
        if (bytes.length > MAX_MANIFEST_BYTES) {
            throw RegistryException.of(
                            OciError.MANIFEST_INVALID,
                            "manifest of %d bytes exceeds the limit of %d",
                            bytes.length,
                            MAX_MANIFEST_BYTES)
                    .withStatus(413);
        }
        List<String> tags = new ArrayList<>();
        Digest digest;
        if (isDigest(reference)) {
            Digest claimed = parseDigest(reference);
            digest = Digest.of(claimed.algorithm(), claimed.newHasher().digest(bytes));
            if (!digest.equals(claimed)) {
                throw RegistryException.withDetail(
                        OciError.DIGEST_INVALID,
                        Map.of("digest", claimed.toString()),
                        "manifest digest %s does not match its content (%s)",
                        claimed,
                        digest);
            }
        } else {
            checkTag(reference);
            tags.add(reference);
            digest = Digest.sha256(bytes);
        }
        for (String t : extraTags) {
            checkTag(t);
            if (!tags.contains(t)) {
                tags.add(t);
            }
        }
        ManifestRefs refs = ManifestRefs.parse(bytes, contentType);
        referenceLock.readLock().lock();
        try {
            List<RegistryException.Entry> missing = new ArrayList<>();
            for (ManifestRefs.Descriptor d : refs.layers()) {
                if (!d.urls().isEmpty() && dev.berth.registry.manifest.MediaTypes.isNonDistributable(d.mediaType())) {
                    continue;
                }
                requireBlob(repo, d, missing);
            }
            if (refs.config() != null) {
                requireBlob(repo, refs.config(), missing);
            }
            for (ManifestRefs.Descriptor d : refs.manifests()) {
                if (repos.revision(repo, d.digest()).isEmpty()) {
                    missing.add(new RegistryException.Entry(
                            OciError.MANIFEST_BLOB_UNKNOWN,
                            "manifest " + d.digest() + " unknown to repository " + repo,
                            Map.of("digest", d.digest().toString())));
                }
            }
            if (!missing.isEmpty()) {
                throw new RegistryException(OciError.MANIFEST_BLOB_UNKNOWN.status(), missing);
            }
            BlobWriter w = blobs.writer(DIRECT_PREFIX + UUID.randomUUID());
            try {
                w.output().write(bytes);
                w.commit(digest, bytes.length);
            } catch (IOException | RuntimeException e) {
                w.abort();
                throw e instanceof RuntimeException re
                        ? re
                        : BerthException.internal("cannot store manifest " + digest, e);
            } finally {
                w.close();
            }
            Digest subject = refs.subject() == null ? null : refs.subject().digest();
            repos.putRevision(
                    repo,
                    new Revision(
                            digest.toString(),
                            refs.mediaType(),
                            bytes.length,
                            subject == null ? null : subject.toString()));
            if (subject != null) {
                repos.addReferrer(repo, subject, digest);
            }
            for (String t : tags) {
                repos.tag(repo, t, digest);
            }
            journal.add(new JournalEntry(repo, digest));
            return new PushedManifest(digest, subject, List.copyOf(tags));
        } finally {
            referenceLock.readLock().unlock();
        }
    }

    private void requireBlob(String repo, ManifestRefs.Descriptor d, List<RegistryException.Entry> missing) {
        if (!repos.hasBlob(repo, d.digest()) || blobs.size(d.digest()).isEmpty()) {
            missing.add(new RegistryException.Entry(
                    OciError.MANIFEST_BLOB_UNKNOWN,
                    "blob " + d.digest() + " unknown to repository " + repo,
                    Map.of("digest", d.digest().toString())));
        } else {
            repos.touchBlob(repo, d.digest());
        }
    }

    /** By tag: removes the tag. By digest: removes the manifest, every tag on it and its referrer entry. */
    public void deleteManifest(String repo, String reference) {
        requireRepository(repo);
        if (!isDigest(reference)) {
            checkTag(reference);
            if (!repos.deleteTag(repo, reference)) {
                throw RegistryException.withDetail(
                        OciError.MANIFEST_UNKNOWN,
                        Map.of("tag", reference),
                        "manifest %s:%s unknown to registry",
                        repo,
                        reference);
            }
            return;
        }
        Digest digest = parseDigest(reference);
        Revision rev = repos.revision(repo, digest).orElseThrow(() -> manifestUnknown(repo, digest));
        for (String t : repos.tags(repo)) {
            if (repos.resolveTag(repo, t).map(digest::equals).orElse(false)) {
                repos.deleteTag(repo, t);
            }
        }
        if (rev.subject() != null) {
            repos.removeReferrer(repo, Digest.parse(rev.subject()), digest);
        }
        repos.deleteRevision(repo, digest);
    }

    // --- discovery ---------------------------------------------------------------------------

    public Page tags(String repo, int n, String last) {
        requireRepository(repo);
        return page(repos.tags(repo), n, last);
    }

    public Page catalog(int n, String last) {
        return page(repos.repositories(), n, last);
    }

    private static Page page(List<String> sorted, int n, String last) {
        List<String> after = last == null
                ? sorted
                : sorted.stream().filter(s -> s.compareTo(last) > 0).toList();
        if (n < 0 || after.size() <= n) {
            return new Page(after, false);
        }
        return new Page(after.subList(0, n), true);
    }

    /** One page of a referrers list; {@code last} names the page's last referrer when more follow. */
    public record ReferrersPage(List<Map<String, Object>> descriptors, String last) {
        public boolean more() {
            return last != null;
        }
    }

    /** Referrers per page when the client does not ask for fewer. */
    public static final int REFERRERS_PAGE = 1000;

    /** Encoded descriptors per page at most, so that a page stays within the manifest size limit. */
    private static final int REFERRERS_PAGE_BYTES = MAX_MANIFEST_BYTES / 2;

    /**
     * The referrers of {@code subject} in the repository as index descriptors, optionally only
     * those of one artifactType, in digest order, at most {@code n} (or {@link #REFERRERS_PAGE})
     * after the referrer {@code last}. An unknown repository or subject gives an empty list, never 404.
     */
    public ReferrersPage referrers(String repo, Digest subject, String artifactType, int n, String last) {
        checkName(repo);
        int limit = n < 0 ? REFERRERS_PAGE : Math.min(n, REFERRERS_PAGE);
        List<Map<String, Object>> out = new ArrayList<>();
        long bytes = 0;
        for (Digest d : repos.referrers(repo, subject)) {
            if (last != null && d.toString().compareTo(last) <= 0) {
                continue;
            }
            Map<String, Object> desc = referrer(repo, d, artifactType);
            if (desc == null) {
                continue;
            }
            long size = estimateSize(desc);
            if (out.size() >= limit || (!out.isEmpty() && bytes + size > REFERRERS_PAGE_BYTES)) {
                return new ReferrersPage(
                        out, out.isEmpty() ? null : (String) out.getLast().get("digest"));
            }
            out.add(desc);
            bytes += size;
        }
        return new ReferrersPage(out, null);
    }

    private static long estimateSize(Map<String, Object> desc) {
        try {
            return JSON.writeValueAsBytes(desc).length + 1;
        } catch (IOException e) {
            throw BerthException.internal("cannot encode referrer " + desc.get("digest"), e);
        }
    }

    /** The descriptor of referrer {@code d}, or null when it is gone or of another artifactType. */
    private Map<String, Object> referrer(String repo, Digest d, String artifactType) {
        Optional<Revision> rev = repos.revision(repo, d);
        if (rev.isEmpty()) {
            return null;
        }
        ManifestRefs refs;
        try (InputStream in = blobs.open(d)) {
            refs = ManifestRefs.parse(in.readAllBytes(), rev.get().mediaType());
        } catch (IOException | BerthException | RegistryException e) {
            return null;
        }
        String type = refs.effectiveArtifactType();
        if (artifactType != null && !artifactType.equals(type)) {
            return null;
        }
        Map<String, Object> desc = new LinkedHashMap<>();
        desc.put("mediaType", rev.get().mediaType());
        desc.put("digest", d.toString());
        desc.put("size", rev.get().size());
        if (type != null) {
            desc.put("artifactType", type);
        }
        if (!refs.annotations().isEmpty()) {
            desc.put("annotations", refs.annotations());
        }
        return desc;
    }
}
