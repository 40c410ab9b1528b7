package dev.berth.registry.referrer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.content.BlobReader;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.registry.error.RegistryException;
import dev.berth.registry.manifest.ManifestRefs;
import dev.berth.registry.manifest.Manifests;
import dev.berth.registry.storage.RepositoryStore;
import dev.berth.registry.storage.RepositoryStore.Revision;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The referrers of a manifest (spec: "Listing Referrers"): the manifests whose {@code subject}
 * names it, kept as links when they are pushed, listed as the descriptors of an image index.
 */
public final class Referrers {
    /** Referrers per page when the client does not ask for fewer. */
    public static final int PAGE = 1000;

    /** Encoded descriptors per page at most, so that a page stays within the manifest size limit. */
    private static final int PAGE_BYTES = Manifests.MAX_BYTES / 2;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One page of a referrers list; {@code last} names the page's last referrer when more follow. */
    public record ReferrersPage(List<Map<String, Object>> descriptors, String last) {
        public boolean more() {
            return last != null;
        }
    }

    private final BlobReader content;
    private final RepositoryStore repos;

    public Referrers(BlobReader content, RepositoryStore repos) {
        this.content = content;
        this.repos = repos;
    }

    /**
     * The referrers of {@code subject} in the repository as index descriptors, optionally only
     * those of one artifactType, in digest order, at most {@code n} (or {@link #PAGE}) after the
     * referrer {@code last}. An unknown repository or subject gives an empty list, never 404.
     */
    public ReferrersPage list(String repo, Digest subject, String artifactType, int n, String last) {
        RepositoryStore.checkName(repo);
        int limit = n < 0 ? PAGE : Math.min(n, PAGE);
        List<Map<String, Object>> out = new ArrayList<>();
        long bytes = 0;
        for (Digest d : repos.referrers(repo, subject)) {
            if (last != null && d.toString().compareTo(last) <= 0) {
                continue;
            }
            Map<String, Object> desc = descriptor(repo, d, artifactType);
            if (desc == null) {
                continue;
            }
            long size = estimateSize(desc);
            if (out.size() >= limit || (!out.isEmpty() && bytes + size > PAGE_BYTES)) {
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
    private Map<String, Object> descriptor(String repo, Digest d, String artifactType) {
        Optional<Revision> rev = repos.revision(repo, d);
        if (rev.isEmpty()) {
            return null;
        }
        ManifestRefs refs;
        try (InputStream in = content.open(d)) {
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
