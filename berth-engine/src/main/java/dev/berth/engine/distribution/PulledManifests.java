package dev.berth.engine.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.content.BlobStore;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.engine.image.GcRoots;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The platform manifests that a pull through an index stored beside the index: no row names them
 * (a repo digest names the index), yet a push needs their exact bytes to keep the image's digest
 * ({@link PushService}). This root keeps every stored child of an index that a repo digest keeps.
 */
public final class PulledManifests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PulledManifests() {
    }

    /** {@code roots} plus the stored children of the indexes the repo digests name. */
    public static GcRoots withPlatformManifests(GcRoots roots, MetadataStore db, BlobStore blobs) {
        return new GcRoots() {
            @Override
            public Set<Digest> blobs() {
                Set<Digest> all = new HashSet<>(roots.blobs());
                all.addAll(platformManifests(db, blobs));
                return all;
            }

            @Override
            public Set<String> snapshots() {
                return roots.snapshots();
            }
        };
    }

    static Set<Digest> platformManifests(MetadataStore db, BlobStore blobs) {
        List<Digest> kept = db.read(tx -> tx.repoDigests().manifestDigests());
        Set<Digest> out = new HashSet<>();
        for (Digest d : kept) {
            if (!blobs.contains(d)) {
                continue;
            }
            JsonNode root;
            try (InputStream in = blobs.open(d)) {
                byte[] bytes = in.readNBytes(RegistrySession.MAX_MANIFEST_BYTES + 1);
                if (bytes.length > RegistrySession.MAX_MANIFEST_BYTES) {
                    continue;
                }
                root = JSON.readTree(bytes);
            } catch (IOException | BerthException e) {
                continue;
            }
            if (root == null || !root.has("manifests") || root.has("config")) {
                continue;
            }
            for (JsonNode m : root.path("manifests")) {
                try {
                    Digest child = Digest.parse(m.path("digest").asText());
                    if (blobs.contains(child)) {
                        out.add(child);
                    }
                } catch (BerthException notADigest) {
                    // An index we cannot read keeps nothing; the push then writes a manifest of its own.
                }
            }
        }
        return out;
    }
}
