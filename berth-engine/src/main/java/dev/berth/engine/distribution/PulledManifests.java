package dev.berth.engine.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.content.BlobStore;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.metadata.RepoDigestDao;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The image manifests of repo digests. A pull through an index records, beside the repo digest
 * that names the index, the platform manifest it chose ({@code repo_digests.image_manifest}): the
 * row keeps that blob alive, and a push sends its exact bytes to keep the image's digest
 * ({@link PushService}). Rows written before that column existed are recorded here, once, by
 * reading their index.
 */
public final class PulledManifests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PulledManifests() {}

    /**
     * Records the image manifest of every repo digest that has none (written before schema
     * version 4): the stored child of its index whose config is the row's image, else the
     * manifest it names itself. Runs at start-up before the start-up check, which would otherwise
     * remove the platform manifests that only these rows' indexes name; each row's blobs are read
     * this once.
     *
     * @return the rows recorded
     */
    public static int recordImageManifests(MetadataStore db, BlobStore blobs) {
        List<RepoDigestDao.Row> unrecorded = db.read(tx -> tx.repoDigests().withoutImageManifest());
        int recorded = 0;
        for (RepoDigestDao.Row row : unrecorded) {
            Digest imageManifest = platformManifest(row, blobs).orElse(row.manifestDigest());
            if (db.inTransaction(
                    tx -> tx.repoDigests().recordImageManifest(row.reference(), row.manifestDigest(), imageManifest))) {
                recorded++;
            }
        }
        return recorded;
    }

    /** The stored child of the index {@code row} names that is a manifest of {@code row}'s image. */
    private static Optional<Digest> platformManifest(RepoDigestDao.Row row, BlobStore blobs) {
        Optional<JsonNode> index = readManifest(blobs, row.manifestDigest())
                .flatMap(PulledManifests::json)
                .filter(root -> root.has("manifests") && !root.has("config"));
        if (index.isEmpty()) {
            return Optional.empty();
        }
        for (JsonNode m : index.get().path("manifests")) {
            Digest child;
            try {
                child = Digest.parse(m.path("digest").asText());
            } catch (BerthException notADigest) {
                continue;
            }
            boolean ofThisImage = readManifest(blobs, child)
                    .flatMap(PulledManifests::json)
                    .map(manifest -> manifest.path("config").path("digest").asText())
                    .filter(row.imageId().toString()::equals)
                    .isPresent();
            if (ofThisImage) {
                return Optional.of(child);
            }
        }
        return Optional.empty();
    }

    /** A stored manifest or index's bytes; empty when it is missing, unreadable or over Docker's 4 MiB limit. */
    static Optional<byte[]> readManifest(BlobStore blobs, Digest digest) {
        if (!blobs.contains(digest)) {
            return Optional.empty();
        }
        try (InputStream in = blobs.open(digest)) {
            byte[] bytes = in.readNBytes(RegistrySession.MAX_MANIFEST_BYTES + 1);
            return bytes.length > RegistrySession.MAX_MANIFEST_BYTES ? Optional.empty() : Optional.of(bytes);
        } catch (IOException | BerthException e) {
            return Optional.empty();
        }
    }

    private static Optional<JsonNode> json(byte[] bytes) {
        try {
            return Optional.ofNullable(JSON.readTree(bytes)).filter(JsonNode::isObject);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
