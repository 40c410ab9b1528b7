package dev.berth.registry.gc;

import dev.berth.core.content.BlobStore;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.registry.Registry;
import dev.berth.registry.RegistryException;
import dev.berth.registry.manifest.ManifestRefs;
import dev.berth.registry.storage.RepositoryStore;
import dev.berth.registry.storage.RepositoryStore.Revision;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mark and sweep over the shared content store, safe while the registry serves pushes.
 *
 * <ol>
 *   <li>Mark, without any lock: every manifest revision of every repository, and every blob and
 *       child manifest it names. A journal of manifests pushed from now on is started first.</li>
 *   <li>Sweep, holding the registry's reference lock exclusively (no upload can finish, no mount
 *       or manifest push can run): mark what the journal recorded during step 1, then delete each
 *       unmarked blob unless some repository linked or used it within {@code delay}. That grace
 *       covers a push in progress, whose layers are uploaded before the manifest that names them;
 *       a HEAD on a blob renews it, so a client that found a layer present can rely on it.</li>
 * </ol>
 *
 * Uploads in progress are ingests, not blobs, and are never swept; sessions idle longer than
 * {@code uploadTtl} are ended. Links of deleted blobs are removed with them.
 */
public final class GarbageCollector {
    private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);

    /** What one collection did. */
    public record Report(int manifests, int marked, List<Digest> deleted, long bytesFreed, int uploadsPurged) {}

    private final Registry registry;
    private final Duration delay;
    private final Duration uploadTtl;
    private final Clock clock;
    /** Runs between mark and sweep; tests use it to push in exactly the window that matters. */
    Runnable afterMark = () -> {};

    public GarbageCollector(Registry registry, Duration delay, Duration uploadTtl, Clock clock) {
        this.registry = registry;
        this.delay = delay;
        this.uploadTtl = uploadTtl;
        this.clock = clock;
    }

    public GarbageCollector(Registry registry, Duration delay, Duration uploadTtl) {
        this(registry, delay, uploadTtl, Clock.systemUTC());
    }

    public Report collect() {
        RepositoryStore repos = registry.repositoryStore();
        BlobStore blobs = registry.blobStore();
        registry.startJournal();
        Set<Digest> marked = new HashSet<>();
        int manifests = 0;
        List<String> repositories = repos.repositories();
        for (String repo : repositories) {
            for (Digest d : repos.revisions(repo)) {
                manifests++;
                mark(repo, d, marked);
            }
        }
        afterMark.run();
        List<Digest> deleted = new ArrayList<>();
        long freed = 0;
        var lock = registry.referenceLock().writeLock();
        lock.lock();
        try {
            for (Registry.JournalEntry e : registry.drainJournal()) {
                mark(e.repository(), e.digest(), marked);
            }
            // Repositories created while marking hold links too.
            repositories = repos.repositories();
            Instant cutoff = clock.instant().minus(delay);
            for (Digest d : blobs.list()) {
                if (marked.contains(d) || recentlyLinked(repos, repositories, d, cutoff)) {
                    continue;
                }
                long size = blobs.size(d).orElse(0L);
                if (blobs.delete(d)) {
                    deleted.add(d);
                    freed += size;
                }
                for (String repo : repositories) {
                    repos.unlinkBlob(repo, d);
                }
            }
        } finally {
            lock.unlock();
        }
        int purged = registry.purgeUploads(clock.instant().minus(uploadTtl));
        Report report = new Report(manifests, marked.size(), List.copyOf(deleted), freed, purged);
        log.info(
                "garbage collection: {} manifests, {} blobs in use, {} blobs deleted ({} bytes), {} stale uploads ended",
                manifests,
                report.marked(),
                deleted.size(),
                freed,
                purged);
        return report;
    }

    private static boolean recentlyLinked(RepositoryStore repos, List<String> repositories, Digest d, Instant cutoff) {
        for (String repo : repositories) {
            Optional<Instant> t = repos.blobLinkTime(repo, d);
            if (t.isPresent() && t.get().isAfter(cutoff)) {
                return true;
            }
        }
        return false;
    }

    private void mark(String repo, Digest manifest, Set<Digest> marked) {
        marked.add(manifest);
        RepositoryStore repos = registry.repositoryStore();
        Optional<Revision> rev = repos.revision(repo, manifest);
        if (rev.isEmpty()) {
            return;
        }
        try (InputStream in = registry.blobStore().open(manifest)) {
            ManifestRefs refs = ManifestRefs.parse(in.readAllBytes(), rev.get().mediaType());
            for (ManifestRefs.Descriptor d : refs.references()) {
                marked.add(d.digest());
            }
        } catch (IOException | BerthException | RegistryException e) {
            log.warn("garbage collection: cannot read manifest {} of {}: {}", manifest, repo, e.getMessage());
        }
    }
}
