package dev.berth.engine.image;

import dev.berth.core.content.BlobInfo;
import dev.berth.core.content.BlobStore;
import dev.berth.core.content.BlobWriter;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.io.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A {@code docker save} / OCI layout tar read in one pass straight into the content store: every
 * file becomes a blob (a {@code blobs/<alg>/<hex>} file is checked against its name as it
 * streams), the small index files stay in memory, and symlinks and hard links are remembered so
 * that the older layout's shared layers ({@code <id>/layer.tar -> ../<id2>/layer.tar}) resolve.
 * Nothing is unpacked here; rows come later, so an interrupted load leaves only blobs no row
 * names.
 */
final class LoadArchive {
    private static final Set<String> INDEX_FILES = Set.of("manifest.json", "index.json", "repositories", "oci-layout");
    private static final Pattern BLOB_PATH = Pattern.compile("blobs/(sha256|sha512)/([a-f0-9]+)");
    private static final int MAX_INDEX_FILE = 64 << 20;

    private final Map<String, byte[]> indexFiles = new HashMap<>();
    private final Map<String, BlobInfo> files = new HashMap<>();
    private final Map<String, String> links = new HashMap<>();
    private final Map<Digest, BlobInfo> byDigest = new HashMap<>();

    static LoadArchive read(InputStream body, BlobStore blobs, Leases.Lease lease, ProgressListener progress) {
        LoadArchive archive = new LoadArchive();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Compression.decompress(body))) {
            TarArchiveEntry entry;
            boolean any = false;
            while ((entry = tar.getNextEntry()) != null) {
                any = true;
                String path = normalize(entry.getName());
                if (entry.isSymbolicLink()) {
                    archive.links.put(path, resolveRelative(path, entry.getLinkName()));
                } else if (entry.isLink()) {
                    archive.links.put(path, normalize(entry.getLinkName()));
                } else if (entry.isFile()) {
                    archive.readFile(path, entry.getSize(), tar, blobs, lease);
                }
            }
            if (!any) {
                throw BerthException.invalid("invalid tar: no entries (empty or not a tar archive)");
            }
        } catch (IOException e) {
            throw BerthException.invalid("invalid tar: %s", e.getMessage());
        }
        return archive;
    }

    private void readFile(String path, long size, InputStream in, BlobStore blobs, Leases.Lease lease)
            throws IOException {
        if (INDEX_FILES.contains(path)) {
            if (size > MAX_INDEX_FILE) {
                throw BerthException.invalid("invalid tar: %s is %d bytes, too large", path, size);
            }
            indexFiles.put(path, in.readAllBytes());
            return;
        }
        Matcher m = BLOB_PATH.matcher(path);
        Digest expected = null;
        if (m.matches()) {
            expected = new Digest(m.group(1), m.group(2));
            lease.add(expected); // before the check, so that no removal deletes it in between
            if (blobs.contains(expected)) {
                in.transferTo(OutputStream.nullOutputStream());
                BlobInfo info = new BlobInfo(expected, blobs.size(expected).orElseThrow());
                files.put(path, info);
                byDigest.put(expected, info);
                return;
            }
        }
        BlobInfo info;
        if (expected != null) {
            // Shield the tar stream: an ingester closing its input must not end the archive.
            InputStream shielded = new java.io.FilterInputStream(in) {
                @Override
                public void close() {}
            };
            info = blobs.ingest(shielded, expected, size);
        } else {
            info = ingestLeased(in, size, blobs, lease);
        }
        files.put(path, info);
        byDigest.put(info.digest(), info);
    }

    /**
     * A file whose digest only its bytes tell (a Docker 1.2 {@code <id>/layer.tar}): leased once
     * written and before it goes into the store, where it may be already, as a layer of another
     * image, so that an rmi of that image cannot delete it before this load's rows hold it.
     */
    private static BlobInfo ingestLeased(InputStream in, long size, BlobStore blobs, Leases.Lease lease)
            throws IOException {
        try (BlobWriter writer = blobs.writer("load-" + UUID.randomUUID())) {
            try {
                in.transferTo(writer.output());
                Digest digest = writer.digest();
                lease.add(digest);
                return writer.commit(digest, size);
            } catch (IOException | RuntimeException e) {
                writer.abort();
                throw e;
            }
        }
    }

    static String normalize(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        while (n.startsWith("/")) {
            n = n.substring(1);
        }
        return n;
    }

    private static String resolveRelative(String from, String target) {
        if (target.startsWith("/")) {
            return normalize(target);
        }
        java.nio.file.Path base = java.nio.file.Path.of("/" + from).getParent();
        return normalize(base.resolve(target).normalize().toString());
    }

    Optional<byte[]> indexFile(String name) {
        return Optional.ofNullable(indexFiles.get(name));
    }

    /** The blob stored for a file path, following links; INVALID_ARGUMENT naming the path when absent. */
    BlobInfo file(String path) {
        String p = normalize(path);
        for (int hops = 0; hops < 16 && links.containsKey(p); hops++) {
            p = links.get(p);
        }
        BlobInfo info = files.get(p);
        if (info == null) {
            throw BerthException.invalid("invalid tar: %s is missing from the archive", path);
        }
        return info;
    }

    /** The blob with this digest, when the archive had it (or the store already did). */
    BlobInfo blob(Digest digest, BlobStore blobs) {
        BlobInfo info = byDigest.get(digest);
        if (info != null) {
            return info;
        }
        return blobs.size(digest)
                .map(size -> new BlobInfo(digest, size))
                .orElseThrow(() -> BerthException.invalid("invalid tar: blob %s is missing from the archive", digest));
    }

    /**
     * Every blob of the archive, in the store now: those no row ends up naming are garbage once
     * the load is over, also those found there already (a concurrent load may have ingested them
     * and left them to this one while it leased them).
     */
    Set<Digest> blobs() {
        return Set.copyOf(byDigest.keySet());
    }
}
