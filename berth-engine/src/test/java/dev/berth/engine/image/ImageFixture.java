package dev.berth.engine.image;

import dev.berth.core.content.LocalBlobStore;
import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.snapshot.VfsSnapshotter;
import dev.berth.engine.event.Event;
import dev.berth.engine.event.EventBus;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Image services over a private data root (metadata.db, content/, snapshots/) with the vfs snapshotter and the real unpacker. */
final class ImageFixture implements AutoCloseable {
    final Path root;
    final MetadataStore db;
    final LocalBlobStore blobs;
    final VfsSnapshotter snapshots;
    final EventBus bus = new EventBus();
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<ImageUsers.User> users = new CopyOnWriteArrayList<>();
    final ImageServices.Parts parts;
    final ImageServices services;

    ImageFixture(Path root) {
        this.root = root;
        db = MetadataStore.open(root.resolve("metadata.db"));
        blobs = new LocalBlobStore(root.resolve("content"));
        snapshots = new VfsSnapshotter(root);
        bus.subscribe(events::add);
        parts = new ImageServices.Parts(
                db,
                blobs,
                snapshots,
                new UnpackingLayerApplier(),
                bus,
                id -> List.copyOf(users),
                snapshots::directory,
                Clock.systemUTC());
        services = ImageServices.create(parts);
    }

    List<ImageLoader.Loaded> load(byte[] tar) {
        return services.loader().load(new ByteArrayInputStream(tar), ProgressListener.NONE);
    }

    /** Lines a docker client would print for a load. */
    List<String> loadPrinting(byte[] tar) {
        List<String> lines = new ArrayList<>();
        services.loader().load(new ByteArrayInputStream(tar), new ProgressListener() {
            @Override
            public void stream(String text) {
                lines.add(text.strip());
            }
        });
        return lines;
    }

    StartupCheck startupCheck() {
        return ImageServices.startupCheck(
                parts, d -> blobs.root().resolve("blobs").resolve(d.algorithm()).resolve(d.hex()), GcRoots.NONE);
    }

    List<String> actions() {
        return events.stream()
                .map(e -> e.action() + " " + e.attributes().get("name"))
                .toList();
    }

    Path layerDir(Digest chainId) {
        return snapshots.directory(LayerStore.snapshotName(chainId));
    }

    @Override
    public void close() {
        db.close();
    }
}
