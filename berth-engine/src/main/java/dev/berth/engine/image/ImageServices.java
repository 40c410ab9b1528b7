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
 * route calls one method of one of these. Each service gets the narrow parts it uses; the stores
 * shared with the container and distribution services ({@code store}, {@code layers},
 * {@code leases}, {@code events}) are built here, once.
 */
public record ImageServices(
        ImageStore store,
        LayerStore layers,
        Leases leases,
        ImageEvents events,
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
        ImageEvents events = new ImageEvents(p.events());
        ImageStore store = new ImageStore(p.db(), p.blobs(), layers, leases, p.clock());
        ImageResolver resolver = new ImageResolver(p.db());
        ImageQueries queries =
                new ImageQueries(store, p.db(), p.clock(), p.snapshots().driver(), resolver, p.snapshotDir());
        TagService tags = new TagService(store, p.db(), events, p.clock(), resolver);
        return new ImageServices(
                store,
                layers,
                leases,
                events,
                resolver,
                queries,
                tags,
                new ImageRemover(store, p.db(), layers, leases, events, p.clock(), resolver, p.users()),
                new ImageImporter(store, p.blobs(), leases, layers, events, p.clock(), tags),
                new ImageLoader(store, p.blobs(), leases, layers, events),
                new ImageSaver(store, p.db(), layers, events, p.blobs(), resolver),
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
