package dev.berth.registry.manifest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.content.BlobIngester;
import dev.berth.core.content.BlobReader;
import dev.berth.core.content.BlobWriter;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.registry.error.OciError;
import dev.berth.registry.error.RegistryException;
import dev.berth.registry.storage.Page;
import dev.berth.registry.storage.PushJournal;
import dev.berth.registry.storage.ReferenceLock;
import dev.berth.registry.storage.RepositoryStore;
import dev.berth.registry.storage.RepositoryStore.Revision;
import dev.berth.registry.upload.Uploads;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Manifests and tags (spec: "Pulling manifests", "Pushing manifests", "Deleting tags" and
 * "Deleting manifests", "Listing tags"). A manifest is kept in the exact bytes pushed, as a blob
 * of the content store, with a revision link in its repository; a tag links a name to a
 * manifest digest. A push names its manifest in the collector's {@link PushJournal}.
 */
public final class Manifests {
    /** Manifests larger than this are refused with 413 (the spec asks for at least 4 MB). */
    public static final int MAX_BYTES = 4 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A manifest as served: digest, media type for Content-Type, and the exact pushed bytes. */
    public record StoredManifest(Digest digest, String mediaType, byte[] bytes) {}

    /** The outcome of a manifest push. */
    public record PushedManifest(Digest digest, Digest subject, List<String> tags) {}

    private final BlobReader content;
    private final BlobIngester ingester;
    private final Path contentRoot;
    private final RepositoryStore repos;
    private final ReferenceLock references;
    private final PushJournal journal;

    /**
     * @param content where manifests are read (and the blobs they name checked)
     * @param ingester where pushed manifests are written
     * @param contentRoot where the content store lives, for messages about a missing blob
     */
    public Manifests(
            BlobReader content,
            BlobIngester ingester,
            Path contentRoot,
            RepositoryStore repos,
            ReferenceLock references,
            PushJournal journal) {
        this.content = content;
        this.ingester = ingester;
        this.contentRoot = contentRoot;
        this.repos = repos;
        this.references = references;
        this.journal = journal;
    }

    static boolean isDigest(String reference) {
        return reference.indexOf(':') > 0;
    }

    private static void checkTag(String tag) {
        if (!RepositoryStore.TAG.matcher(tag).matches()) {
            throw RegistryException.withDetail(OciError.MANIFEST_INVALID, Map.of("tag", tag), "invalid tag: %s", tag);
        }
    }

    /**
     * The digest {@code reference} names in the repository. A tag that is not a valid tag names
     * nothing there: MANIFEST_UNKNOWN, as distribution (whose route does not match it) and the
     * OCI conformance suite have it.
     */
    private Digest resolve(String repo, String reference) {
        repos.require(repo);
        if (isDigest(reference)) {
            return RegistryException.digest(reference);
        }
        if (!RepositoryStore.TAG.matcher(reference).matches()) {
            throw unknownTag(repo, reference);
        }
        return repos.resolveTag(repo, reference).orElseThrow(() -> unknownTag(repo, reference));
    }

    private static RegistryException unknownTag(String repo, String tag) {
        return RegistryException.withDetail(
                OciError.MANIFEST_UNKNOWN, Map.of("tag", tag), "manifest %s:%s unknown to registry", repo, tag);
    }

    /** The manifest {@code reference} (a tag or a digest) names, as stored. */
    public StoredManifest manifest(String repo, String reference) {
        Digest digest = resolve(repo, reference);
        Revision rev = repos.revision(repo, digest).orElseThrow(() -> unknown(repo, digest));
        byte[] bytes;
        try (InputStream in = content.open(digest)) {
            bytes = in.readAllBytes();
        } catch (BerthException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                throw BerthException.dataLoss(
                        "manifest %s of %s is linked but its blob is missing from %s", digest, repo, contentRoot);
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

    private static RegistryException unknown(String repo, Digest digest) {
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
    public PushedManifest put(String repo, String reference, String contentType, byte[] bytes, List<String> extraTags) {
        RepositoryStore.checkName(repo);
        if (bytes.length > MAX_BYTES) {
            throw tooLarge(bytes.length);
        }
        List<String> tags = new ArrayList<>();
        Digest digest;
        if (isDigest(reference)) {
            Digest claimed = RegistryException.digest(reference);
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
        return references.referencing(() -> {
            List<RegistryException.Entry> missing = new ArrayList<>();
            for (ManifestRefs.Descriptor d : refs.layers()) {
                if (!d.urls().isEmpty() && MediaTypes.isNonDistributable(d.mediaType())) {
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
            store(digest, bytes);
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
            journal.pushed(repo, digest);
            return new PushedManifest(digest, subject, List.copyOf(tags));
        });
    }

    /** MANIFEST_INVALID with 413: a manifest of {@code length} bytes (-1: more than can be read) is over the limit. */
    public static RegistryException tooLarge(long length) {
        String manifest = length < 0 ? "manifest" : "manifest of " + length + " bytes";
        return RegistryException.of(OciError.MANIFEST_INVALID, "%s exceeds the limit of %d bytes", manifest, MAX_BYTES)
                .withStatus(413);
    }

    private void store(Digest digest, byte[] bytes) {
        BlobWriter w = ingester.writer(Uploads.DIRECT_PREFIX + UUID.randomUUID());
        try {
            w.output().write(bytes);
            w.commit(digest, bytes.length);
        } catch (IOException | RuntimeException e) {
            w.abort();
            throw e instanceof RuntimeException re ? re : BerthException.internal("cannot store manifest " + digest, e);
        } finally {
            w.close();
        }
    }

    private void requireBlob(String repo, ManifestRefs.Descriptor d, List<RegistryException.Entry> missing) {
        if (!repos.hasBlob(repo, d.digest()) || content.size(d.digest()).isEmpty()) {
            missing.add(new RegistryException.Entry(
                    OciError.MANIFEST_BLOB_UNKNOWN,
                    "blob " + d.digest() + " unknown to repository " + repo,
                    Map.of("digest", d.digest().toString())));
        } else {
            repos.touchBlob(repo, d.digest());
        }
    }

    /** By tag: removes the tag. By digest: removes the manifest, every tag on it and its referrer entry. */
    public void delete(String repo, String reference) {
        repos.require(repo);
        if (!isDigest(reference)) {
            checkTag(reference);
            if (!repos.deleteTag(repo, reference)) {
                throw unknownTag(repo, reference);
            }
            return;
        }
        Digest digest = RegistryException.digest(reference);
        Revision rev = repos.revision(repo, digest).orElseThrow(() -> unknown(repo, digest));
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

    /** The repository's tags, a page at a time. */
    public Page tags(String repo, int n, String last) {
        repos.require(repo);
        return Page.of(repos.tags(repo), n, last);
    }
}
