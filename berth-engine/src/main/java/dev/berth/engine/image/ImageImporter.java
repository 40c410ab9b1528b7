package dev.berth.engine.image;

import dev.berth.core.content.BlobInfo;
import dev.berth.core.content.BlobIngester;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.image.ContainerConfig;
import dev.berth.core.image.History;
import dev.berth.core.image.ImageConfig;
import dev.berth.core.image.MediaTypes;
import dev.berth.core.image.Platforms;
import dev.berth.core.image.Raw;
import dev.berth.core.image.RootFs;
import dev.berth.core.io.Compression;
import dev.berth.core.reference.ImageReference;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;

/**
 * {@code docker import} ({@code POST /images/create?fromSrc=-}): a root filesystem tar (any
 * compression) becomes a one-layer image, its config made as Docker's ImportImage makes it, with
 * {@code changes} applied.
 */
public final class ImageImporter {
    private final ImageStore store;
    private final BlobIngester blobs;
    private final Leases leases;
    private final LayerStore layers;
    private final ImageEvents events;
    private final Clock clock;
    private final TagService tags;

    public ImageImporter(
            ImageStore store,
            BlobIngester blobs,
            Leases leases,
            LayerStore layers,
            ImageEvents events,
            Clock clock,
            TagService tags) {
        this.store = store;
        this.blobs = blobs;
        this.leases = leases;
        this.layers = layers;
        this.events = events;
        this.clock = clock;
        this.tags = tags;
    }

    /** The request: repo/tag may be empty (an untagged image). */
    public record Request(String repo, String tag, String message, List<String> changes) {
        public Request {
            changes = changes == null ? List.of() : List.copyOf(changes);
        }
    }

    /** Imports {@code rootfs}; returns the new image's ID. */
    public Digest importImage(InputStream rootfs, Request request, ProgressListener progress) {
        ImageReference ref = request.repo() == null || request.repo().isEmpty()
                ? null
                : TagService.repoTag(request.repo(), request.tag());
        ContainerConfig containerConfig = ConfigChanges.apply(ContainerConfig.EMPTY, request.changes());
        // Stored uncompressed, as Docker does: the blob digest is then the diff ID, and any
        // compression (gzip, zstd, bzip2, xz) is accepted without a layer media type for it.
        BlobInfo blob;
        try (InputStream tar = Compression.decompress(new ProgressInputStream(rootfs, -1, "", "Importing", progress))) {
            blob = blobs.ingest(tar, null, -1);
        } catch (java.io.IOException e) {
            throw BerthException.invalid("cannot read the imported tar: %s", e.getMessage());
        }
        Digest id;
        try (Leases.Lease lease = leases.acquire(List.of(blob.digest()))) {
            String created = clock.instant().toString();
            String message = request.message() == null || request.message().isEmpty() ? null : request.message();
            ImageConfig config = new ImageConfig(
                    Platforms.hostArchitecture(),
                    null,
                    Platforms.hostOs(),
                    null,
                    null,
                    message,
                    created,
                    null,
                    null,
                    null,
                    containerConfig,
                    RootFs.layers(List.of(blob.digest())),
                    List.of(new History(created, null, null, message, false)));
            Raw<ImageConfig> raw = Raw.of(config);
            try {
                id = store.add(
                                raw,
                                List.of(new LayerBlob(blob.digest(), blob.size(), MediaTypes.OCI_LAYER)),
                                List.of(),
                                null,
                                progress)
                        .id();
            } catch (BerthException e) {
                lease.close();
                layers.deleteBlobIfUnused(blob.digest());
                throw e;
            }
        }
        if (ref != null) {
            tags.tag(id, ref);
        }
        events.publish("import", id, id.toString(), containerConfig.labels());
        progress.status(null, id.toString());
        return id;
    }
}
