package dev.berth.registry.gc;

import dev.berth.core.content.BlobStore;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.registry.error.RegistryException;
import dev.berth.registry.manifest.ManifestRefs;
import dev.berth.registry.storage.PushJournal;
import dev.berth.registry.storage.ReferenceLock;
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
 *   <li>Sweep, holding the {@link ReferenceLock} exclusively (no upload can finish, no mount
 *       or manifest push can run): mark what the {@link PushJournal} recorded during step 1, then delete each
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

    /** Ends idle upload sessions (the uploads' {@code purge}); returns how many. */
    @FunctionalInterface
    public interface UploadPurge {
        int purge(Instant idleSince);
    }

    private final BlobStore content;
    private final RepositoryStore repos;
    private final ReferenceLock references;
    private final PushJournal journal;
    private final UploadPurge uploads;
    private final Duration delay;
    private final Duration uploadTtl;
    private final Clock clock;
    /** Runs between mark and sweep; tests use it to push in exactly the window that matters. */
    Runnable afterMark = () -> {};

    /**
     * @param delay how long a blob linked or used in a repository is kept though no manifest names it
     * @param uploadTtl how long an upload session may stay idle
     */
    public GarbageCollector(
            BlobStore content,
            RepositoryStore repos,
            ReferenceLock references,
            PushJournal journal,
            UploadPurge uploads,
            Duration delay,
            Duration uploadTtl,
            Clock clock) {
        this.content = content;
        this.repos = repos;
        this.references = references;
        this.journal = journal;
        this.uploads = uploads;
        this.delay = delay;
        this.uploadTtl = uploadTtl;
        this.clock = clock;
    }

    public Report collect() {
        journal.start();
        Set<Digest> marked = new HashSet<>();
        int manifests = 0;
        for (String repo : repos.repositories()) {
            for (Digest d : repos.revisions(repo)) {
                manifests++;
                mark(repo, d, marked);
            }
        }
        afterMark.run();
        List<Digest> deleted = new ArrayList<>();
        long freed = references.sweeping(() -> {
            long bytes = 0;
            for (PushJournal.Entry e : journal.drain()) {
                mark(e.repository(), e.digest(), marked);
            }
            // Repositories created while marking hold links too.
            List<String> repositories = repos.repositories();
            Instant cutoff = clock.instant().minus(delay);
            for (Digest d : content.list()) {
                if (marked.contains(d) || recentlyLinked(repositories, d, cutoff)) {
                    continue;
                }
                long size = content.size(d).orElse(0L);
                if (content.delete(d)) {
                    deleted.add(d);
                    bytes += size;
                }
                for (String repo : repositories) {
                    repos.unlinkBlob(repo, d);
                }
            }
            return bytes;
        });
        int purged = uploads.purge(clock.instant().minus(uploadTtl));
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

    private boolean recentlyLinked(List<String> repositories, Digest d, Instant cutoff) {
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
        Optional<Revision> rev = repos.revision(repo, manifest);
        if (rev.isEmpty()) {
            return;
        }
        try (InputStream in = content.open(manifest)) {
            ManifestRefs refs = ManifestRefs.parse(in.readAllBytes(), rev.get().mediaType());
            for (ManifestRefs.Descriptor d : refs.references()) {
                marked.add(d.digest());
            }
        } catch (IOException | BerthException | RegistryException e) {
            log.warn("garbage collection: cannot read manifest {} of {}: {}", manifest, repo, e.getMessage());
        }
    }
}
