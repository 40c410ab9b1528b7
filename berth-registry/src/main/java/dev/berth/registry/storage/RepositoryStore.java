package dev.berth.registry.storage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.io.AtomicFiles;
import dev.berth.core.io.Trees;
import dev.berth.registry.error.OciError;
import dev.berth.registry.error.RegistryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Per-repository links on plain files, in the layout Docker's distribution uses, so an operator
 * who knows one knows the other. Blobs themselves live once in the shared content store; a
 * repository only holds small link files that name them:
 *
 * <pre>
 * repositories/&lt;name&gt;/_layers/&lt;alg&gt;/&lt;hex&gt;/link                     blob is in this repository
 * repositories/&lt;name&gt;/_manifests/revisions/&lt;alg&gt;/&lt;hex&gt;/link          manifest (JSON: digest, mediaType, size, subject)
 * repositories/&lt;name&gt;/_manifests/tags/&lt;tag&gt;/current/link              tag → manifest digest
 * repositories/&lt;name&gt;/_manifests/referrers/&lt;alg&gt;/&lt;hex&gt;/&lt;alg&gt;/&lt;hex&gt;/link  subject → referrer
 * </pre>
 *
 * Files, not SQLite: every change is one small file written atomically ({@link AtomicFiles}), so a
 * crash leaves either the old or the new link and no database to repair, and concurrent pushes
 * to different repositories or tags never contend. A link's mtime is when it was last written
 * or used; the garbage collector reads it as the blob's age in that repository.
 */
public final class RepositoryStore {
    /** The spec's {@code <name>} grammar (Pulling manifests). */
    public static final Pattern NAME =
            Pattern.compile("[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*");

    public static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    /** A stored manifest: digest, the media type it is served with, size, and its subject if any. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Revision(String digest, String mediaType, long size, String subject) {
        public Digest parsedDigest() {
            return Digest.parse(digest);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    public RepositoryStore(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw BerthException.internal("cannot create " + root, e);
        }
    }

    private Path repo(String name) {
        return root.resolve(name);
    }

    private static Path digestDir(Path base, Digest d) {
        return base.resolve(d.algorithm()).resolve(d.hex());
    }

    private Path layerLink(String name, Digest d) {
        return digestDir(repo(name).resolve("_layers"), d).resolve("link");
    }

    private Path revisionLink(String name, Digest d) {
        return digestDir(repo(name).resolve("_manifests").resolve("revisions"), d)
                .resolve("link");
    }

    private Path tagLink(String name, String tag) {
        return repo(name)
                .resolve("_manifests")
                .resolve("tags")
                .resolve(tag)
                .resolve("current")
                .resolve("link");
    }

    private Path referrerLink(String name, Digest subject, Digest referrer) {
        return digestDir(digestDir(repo(name).resolve("_manifests").resolve("referrers"), subject), referrer)
                .resolve("link");
    }

    /** Refuses a name outside the spec's grammar (NAME_INVALID). */
    public static void checkName(String name) {
        if (name == null || name.length() > 255 || !NAME.matcher(name).matches()) {
            throw RegistryException.withDetail(
                    OciError.NAME_INVALID, Map.of("name", String.valueOf(name)), "invalid repository name: %s", name);
        }
    }

    /** Refuses a malformed name, and one that names no repository (NAME_UNKNOWN). */
    public void require(String name) {
        checkName(name);
        if (!exists(name)) {
            throw RegistryException.withDetail(
                    OciError.NAME_UNKNOWN, Map.of("name", name), "repository %s not known to registry", name);
        }
    }

    /** A repository exists once anything was pushed or mounted into it. */
    public boolean exists(String name) {
        Path r = repo(name);
        return Files.isDirectory(r.resolve("_layers")) || Files.isDirectory(r.resolve("_manifests"));
    }

    // --- blobs -------------------------------------------------------------------------------

    public void linkBlob(String name, Digest digest) {
        // A link that is there was made durable when it was written; renewing its age is enough.
        if (touchBlob(name, digest)) {
            return;
        }
        AtomicFiles.write(layerLink(name, digest), digest.toString().getBytes(StandardCharsets.UTF_8));
    }

    public boolean hasBlob(String name, Digest digest) {
        return Files.exists(layerLink(name, digest));
    }

    /** Marks the link as just used, so the collector's grace period starts again. */
    public boolean touchBlob(String name, Digest digest) {
        try {
            Files.setLastModifiedTime(layerLink(name, digest), FileTime.from(Instant.now()));
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw BerthException.internal("cannot touch link of " + digest + " in " + name, e);
        }
    }

    public boolean unlinkBlob(String name, Digest digest) {
        Path link = layerLink(name, digest);
        try {
            boolean existed = Files.deleteIfExists(link);
            deleteEmptyParents(link.getParent(), repo(name).resolve("_layers"));
            return existed;
        } catch (IOException e) {
            throw BerthException.internal("cannot delete " + link, e);
        }
    }

    /** When the blob was last linked or used in the repository, or empty when it is not linked. */
    public Optional<Instant> blobLinkTime(String name, Digest digest) {
        try {
            return Optional.of(
                    Files.getLastModifiedTime(layerLink(name, digest)).toInstant());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw BerthException.internal("cannot stat link of " + digest + " in " + name, e);
        }
    }

    public List<Digest> blobs(String name) {
        return digestsUnder(repo(name).resolve("_layers"));
    }

    // --- manifests ---------------------------------------------------------------------------

    public void putRevision(String name, Revision revision) {
        try {
            AtomicFiles.write(revisionLink(name, revision.parsedDigest()), JSON.writeValueAsBytes(revision));
        } catch (IOException e) {
            throw BerthException.internal("cannot encode revision " + revision.digest(), e);
        }
    }

    public Optional<Revision> revision(String name, Digest digest) {
        byte[] data = AtomicFiles.readIfExists(revisionLink(name, digest));
        if (data == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(data, Revision.class));
        } catch (IOException e) {
            throw BerthException.dataLoss("corrupt revision link %s: %s", revisionLink(name, digest), e.getMessage());
        }
    }

    /** When the revision was written (for the collector), or empty. */
    public Optional<Instant> revisionTime(String name, Digest digest) {
        try {
            return Optional.of(
                    Files.getLastModifiedTime(revisionLink(name, digest)).toInstant());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw BerthException.internal("cannot stat revision " + digest + " in " + name, e);
        }
    }

    public boolean deleteRevision(String name, Digest digest) {
        Path link = revisionLink(name, digest);
        try {
            boolean existed = Files.deleteIfExists(link);
            deleteEmptyParents(
                    link.getParent(), repo(name).resolve("_manifests").resolve("revisions"));
            return existed;
        } catch (IOException e) {
            throw BerthException.internal("cannot delete " + link, e);
        }
    }

    public List<Digest> revisions(String name) {
        return digestsUnder(repo(name).resolve("_manifests").resolve("revisions"));
    }

    // --- tags --------------------------------------------------------------------------------

    public void tag(String name, String tag, Digest digest) {
        AtomicFiles.write(tagLink(name, tag), digest.toString().getBytes(StandardCharsets.UTF_8));
    }

    public Optional<Digest> resolveTag(String name, String tag) {
        byte[] data = AtomicFiles.readIfExists(tagLink(name, tag));
        return data == null
                ? Optional.empty()
                : Optional.of(Digest.parse(new String(data, StandardCharsets.UTF_8).trim()));
    }

    public boolean deleteTag(String name, String tag) {
        Path dir = tagLink(name, tag).getParent().getParent();
        if (!Files.exists(dir)) {
            return false;
        }
        Trees.delete(dir);
        return true;
    }

    /** Tags in ASCIIbetical order (Go's sort.Strings, as the spec allows). */
    public List<String> tags(String name) {
        return sortedChildren(repo(name).resolve("_manifests").resolve("tags"));
    }

    // --- referrers ---------------------------------------------------------------------------

    public void addReferrer(String name, Digest subject, Digest referrer) {
        AtomicFiles.write(
                referrerLink(name, subject, referrer), referrer.toString().getBytes(StandardCharsets.UTF_8));
    }

    public void removeReferrer(String name, Digest subject, Digest referrer) {
        Path link = referrerLink(name, subject, referrer);
        AtomicFiles.deleteQuietly(link);
        deleteEmptyParents(link.getParent(), repo(name).resolve("_manifests").resolve("referrers"));
    }

    public List<Digest> referrers(String name, Digest subject) {
        return digestsUnder(digestDir(repo(name).resolve("_manifests").resolve("referrers"), subject));
    }

    // --- repositories ------------------------------------------------------------------------

    /** Every repository name, sorted. A directory is a repository when it has _layers or _manifests. */
    public List<String> repositories() {
        List<String> out = new ArrayList<>();
        collectRepositories(root, "", out);
        Collections.sort(out);
        return out;
    }

    private void collectRepositories(Path dir, String prefix, List<String> out) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path child : ds) {
                String n = child.getFileName().toString();
                if (n.startsWith("_") || n.startsWith(".")) {
                    continue;
                }
                String name = prefix.isEmpty() ? n : prefix + "/" + n;
                if (exists(name)) {
                    out.add(name);
                }
                collectRepositories(child, name, out);
            }
        } catch (NoSuchFileException e) {
            // Removed while walking.
        } catch (IOException e) {
            throw BerthException.internal("cannot list repositories under " + dir, e);
        }
    }

    // --- helpers -----------------------------------------------------------------------------

    private static List<Digest> digestsUnder(Path base) {
        List<Digest> out = new ArrayList<>();
        for (String alg : List.of("sha256", "sha512")) {
            for (String hex : sortedChildren(base.resolve(alg))) {
                try {
                    out.add(new Digest(alg, hex));
                } catch (BerthException notADigest) {
                    // A temporary file or a stray directory.
                }
            }
        }
        return out;
    }

    private static List<String> sortedChildren(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".tmp-"))
                    .sorted()
                    .toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw BerthException.internal("cannot list " + dir, e);
        }
    }

    private static void deleteEmptyParents(Path dir, Path stop) {
        Path d = dir;
        while (d != null && d.startsWith(stop) && !d.equals(stop)) {
            try {
                Files.delete(d);
            } catch (IOException notEmptyOrGone) {
                return;
            }
            d = d.getParent();
        }
    }
}
