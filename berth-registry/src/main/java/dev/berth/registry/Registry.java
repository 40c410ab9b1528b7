package dev.berth.registry;

import dev.berth.core.content.LocalBlobStore;
import dev.berth.registry.blob.Blobs;
import dev.berth.registry.catalog.Catalog;
import dev.berth.registry.gc.GarbageCollector;
import dev.berth.registry.manifest.Manifests;
import dev.berth.registry.referrer.Referrers;
import dev.berth.registry.storage.PushJournal;
import dev.berth.registry.storage.ReferenceLock;
import dev.berth.registry.storage.RepositoryStore;
import dev.berth.registry.upload.Uploads;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The registry's services on one root, composed here and nowhere else: blobs, uploads,
 * manifests and tags, referrers and the catalog, each with the stores and the role it needs,
 * and the garbage collector over the same stores. The stores themselves stay inside (the
 * layout on disk is in this package's documentation).
 */
public final class Registry implements AutoCloseable {
    private final LocalBlobStore content;
    private final RepositoryStore repos;
    private final ReferenceLock references = new ReferenceLock();
    private final PushJournal journal = new PushJournal();
    private final Blobs blobs;
    private final Uploads uploads;
    private final Manifests manifests;
    private final Referrers referrers;
    private final Catalog catalog;

    private Registry(Path root) {
        this.content = new LocalBlobStore(root.resolve("content"));
        this.repos = new RepositoryStore(root.resolve("repositories"));
        this.blobs = new Blobs(content, repos, references);
        this.uploads = new Uploads(content, repos, references, root.resolve("uploads"));
        this.manifests = new Manifests(content, content, root.resolve("content"), repos, references, journal);
        this.referrers = new Referrers(content, repos);
        this.catalog = new Catalog(repos);
    }

    /** The registry on {@code <root>}. */
    public static Registry open(Path root) {
        return new Registry(root);
    }

    public Blobs blobs() {
        return blobs;
    }

    public Uploads uploads() {
        return uploads;
    }

    public Manifests manifests() {
        return manifests;
    }

    public Referrers referrers() {
        return referrers;
    }

    public Catalog catalog() {
        return catalog;
    }

    /** A collector over this registry: {@code delay} of grace for unreferenced blobs, {@code uploadTtl} for idle sessions. */
    public GarbageCollector collector(Duration delay, Duration uploadTtl, Clock clock) {
        return new GarbageCollector(content, repos, references, journal, uploads::purge, delay, uploadTtl, clock);
    }

    public GarbageCollector collector(Duration delay, Duration uploadTtl) {
        return collector(delay, uploadTtl, Clock.systemUTC());
    }

    /** Releases open upload files; their bytes stay on disk for a resume after restart. */
    @Override
    public void close() {
        uploads.close();
    }
}
