package dev.berth.engine.image;

import dev.berth.core.content.BlobStore;
import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.snapshot.Snapshotter;
import dev.berth.engine.event.EventBus;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Function;

/**
 * The image services wired together, for the composition root and the API's image routes: each
 * route calls one method of one of these.
 */
public record ImageServices(
        ImageStore store,
        ImageResolver resolver,
        ImageQueries queries,
        TagService tags,
        ImageRemover remover,
        ImageImporter importer,
        ImageLoader loader,
        ImageSaver saver,
        ImageDiskUsage diskUsage) {

    /** What the services are built from. */
    public record Parts(
            MetadataStore db,
            BlobStore blobs,
            Snapshotter snapshots,
            LayerApplier applier,
            EventBus events,
            ImageUsers users,
            Function<String, Path> snapshotDir,
            Clock clock) {}

    public static ImageServices create(Parts p) {
        Leases leases = new Leases();
        LayerStore layers = new LayerStore(p.db(), p.blobs(), p.snapshots(), p.applier(), leases, p.clock());
        ImageStore store = new ImageStore(p.db(), p.blobs(), layers, leases, new ImageEvents(p.events()), p.clock());
        ImageResolver resolver = new ImageResolver(p.db());
        ImageQueries queries = new ImageQueries(store, resolver, p.snapshotDir());
        TagService tags = new TagService(store, resolver);
        return new ImageServices(
                store,
                resolver,
                queries,
                tags,
                new ImageRemover(store, resolver, p.users()),
                new ImageImporter(store, tags),
                new ImageLoader(store),
                new ImageSaver(store, resolver),
                new ImageDiskUsage(queries, p.users()));
    }

    /** The start-up check over the same stores; {@code blobPath} names a blob's file in reports. */
    public static StartupCheck startupCheck(Parts p, Function<Digest, Path> blobPath, GcRoots roots) {
        return startupCheck(p, blobPath, roots, StartupCheck.DEFAULT_INGEST_GRACE);
    }

    /** As above, keeping partial downloads that grew within {@code ingestGrace} for a pull to resume. */
    public static StartupCheck startupCheck(
            Parts p, Function<Digest, Path> blobPath, GcRoots roots, java.time.Duration ingestGrace) {
        return new StartupCheck(
                p.db(), p.blobs(), p.snapshots(), blobPath, p.snapshotDir(), roots, p.clock(), ingestGrace);
    }
}
