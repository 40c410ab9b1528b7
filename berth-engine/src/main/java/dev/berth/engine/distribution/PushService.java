package dev.berth.engine.distribution;

import dev.berth.core.content.BlobInfo;
import dev.berth.core.content.BlobStore;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.image.Descriptor;
import dev.berth.core.image.ImageConfig;
import dev.berth.core.image.Manifest;
import dev.berth.core.image.MediaTypes;
import dev.berth.core.image.Raw;
import dev.berth.core.metadata.LayerRow;
import dev.berth.core.reference.ImageReference;
import dev.berth.engine.image.ImageStore;
import dev.berth.engine.image.Leases;
import dev.berth.engine.image.ProgressListener;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.zip.GZIPOutputStream;

/**
 * {@code docker push}: uploads an image's layers that the registry lacks (in parallel), mounting
 * a blob from another repository of the same registry where the daemon knows one that has it,
 * then the config, then the manifest under the tag. Layers stored uncompressed (from a
 * {@code docker load} or a build) are gzipped once and the gzipped blob kept and recorded, so the
 * next push of the same layer gives the same digest.
 *
 * <p>Progress is Docker's: {@code The push refers to repository […]}, per layer (keyed by the
 * short diff ID) {@code Preparing}, {@code Waiting}, {@code Pushing} (current/total), {@code Pushed},
 * {@code Layer already exists} or {@code Mounted from …}, and finally
 * {@code <tag>: digest: sha256:… size: N}.
 */
public final class PushService {
    private final RegistryClient client;
    private final ImageStore images;
    private final BlobStore blobs;

    public PushService(RegistryClient client, ImageStore images) {
        this.client = client;
        this.images = images;
        this.blobs = images.blobs();
    }

    /** One pushed tag: the manifest digest and size the registry now has under it. */
    public record Pushed(ImageReference reference, Digest digest, long size) {
    }

    /**
     * Pushes {@code name} (with {@code tag}, or every local tag of the repository when both are
     * without one, as Docker's API does).
     */
    public List<Pushed> push(String name, String tag, RegistryCredentials credentials, ProgressListener progress) {
        ImageReference ref = ImageReference.parse(name);
        if (ref.digest().isPresent()) {
            throw BerthException.invalid("cannot push a digest reference");
        }
        if (tag != null && !tag.isEmpty()) {
            ref = ref.withTag(tag);
        }
        ImageReference repo = ref.nameOnly();
        List<ImageReference> refs;
        if (ref.tag().isPresent()) {
            refs = List.of(ref);
        } else {
            String prefix = repo + ":";
            refs = images.db().read(tx -> tx.tags().all()).keySet().stream()
                    .filter(k -> k.startsWith(prefix)).map(ImageReference::parse).toList();
        }
        progress.status(null, "The push refers to repository [" + repo + "]");
        if (refs.isEmpty()) {
            throw BerthException.notFound("An image does not exist locally with the tag: %s", repo.familiarName());
        }
        RegistrySession session = client.session(repo.domain(), credentials, true);
        List<Pushed> out = new ArrayList<>();
        for (ImageReference r : refs) {
            out.add(pushOne(session, r, progress));
        }
        return out;
    }

    private Pushed pushOne(RegistrySession session, ImageReference ref, ProgressListener progress) {
        Digest id = images.db().read(tx -> tx.tags().get(ref.toString())).orElseThrow(() -> BerthException.notFound(
                "An image does not exist locally with the tag: %s", ref.familiarName()));
        Raw<ImageConfig> config = images.config(id);
        List<LayerRow> layers = images.db().read(tx -> {
            List<LayerRow> rows = new ArrayList<>();
            for (Digest chainId : tx.images().layers(id)) {
                rows.add(tx.layers().get(chainId).orElseThrow(() -> BerthException.dataLoss(
                        "image %s lists layer %s, which has no row", id, chainId)));
            }
            return rows;
        });
        String repository = ref.path();
        List<Digest> leased = new ArrayList<>(List.of(id));
        layers.forEach(l -> {
            leased.add(l.chainId());
            if (l.blobDigest() != null) {
                leased.add(l.blobDigest());
            }
        });
        try (Leases.Lease lease = images.leases().acquire(leased)) {
            for (LayerRow l : layers) {
                progress.status(l.diffId().shortHex(), "Preparing");
            }
            List<Descriptor> descriptors = uploadLayers(session, ref, layers, lease, progress);
            Descriptor configDescriptor = Descriptor.of(MediaTypes.DOCKER_CONFIG, id, config.size());
            if (session.blobSize(repository, id, List.of(RegistrySession.pushScope(repository))).isEmpty()) {
                byte[] bytes = config.bytes();
                URI location = session.startUpload(repository, id, null).orElseThrow();
                session.upload(repository, location, id, bytes.length, () -> new ByteArrayInputStream(bytes));
            }
            Raw<Manifest> manifest = Raw.of(Manifest.docker(configDescriptor, descriptors));
            String tag = ref.tag().orElseThrow();
            Digest digest = session.putManifest(repository, tag, MediaTypes.DOCKER_MANIFEST, manifest.bytes());
            lease.add(digest);
            if (!blobs.contains(digest)) {
                blobs.ingest(new ByteArrayInputStream(manifest.bytes()), digest, manifest.size());
            }
            String repoDigestRef = ref.nameOnly().withDigest(digest).toString();
            images.db().inTransaction(tx -> {
                tx.repoDigests().put(repoDigestRef, id, digest);
                return null;
            });
            images.events().publish("push", id, ref.familiarString(), config.value().configOrEmpty().labels());
            progress.status(null, tag + ": digest: " + digest + " size: " + manifest.size());
            return new Pushed(ref, digest, manifest.size());
        }
    }

    private List<Descriptor> uploadLayers(RegistrySession session, ImageReference ref, List<LayerRow> layers,
            Leases.Lease lease, ProgressListener progress) {
        Semaphore permits = new Semaphore(client.settings().maxConcurrentUploads());
        List<Future<Descriptor>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (LayerRow layer : layers) {
                String id = layer.diffId().shortHex();
                futures.add(pool.submit(() -> {
                    if (!permits.tryAcquire()) {
                        progress.status(id, "Waiting");
                        permits.acquire();
                    }
                    try {
                        return uploadLayer(session, ref, layer, id, lease, progress);
                    } finally {
                        permits.release();
                    }
                }));
            }
            List<Descriptor> out = new ArrayList<>();
            try {
                for (Future<Descriptor> f : futures) {
                    out.add(await(f));
                }
            } catch (RuntimeException e) {
                pool.shutdownNow();
                throw e;
            }
            return out;
        }
    }

    private Descriptor uploadLayer(RegistrySession session, ImageReference ref, LayerRow layer, String id,
            Leases.Lease lease, ProgressListener progress) {
        Descriptor blob = compressedBlob(layer, lease);
        String repository = ref.path();
        List<String> scopes = List.of(RegistrySession.pushScope(repository));
        if (session.blobSize(repository, blob.digest(), scopes).isPresent()) {
            progress.status(id, "Layer already exists");
            return blob;
        }
        Optional<String> mountFrom = mountSource(ref, layer);
        Optional<URI> location = session.startUpload(repository, blob.digest(), mountFrom.orElse(null));
        if (location.isEmpty()) {
            progress.status(id, "Mounted from " + mountFrom.orElseThrow());
            return blob;
        }
        long size = blob.size();
        session.upload(repository, location.get(), blob.digest(), size,
                () -> new Counting(blobs.open(blob.digest()), id, size, progress));
        progress.status(id, "Pushed");
        return blob;
    }

    /**
     * Another repository of the same registry that has this layer's blob: one the daemon pulled
     * an image holding the layer from, or pushed such an image to (its RepoDigests say so).
     */
    private Optional<String> mountSource(ImageReference target, LayerRow layer) {
        List<String> refs = images.db().read(tx -> {
            List<String> out = new ArrayList<>();
            for (Digest image : tx.images().usingLayer(layer.chainId())) {
                out.addAll(tx.repoDigests().forImage(image));
            }
            return out;
        });
        for (String r : refs) {
            ImageReference source = ImageReference.parse(r);
            if (source.domain().equals(target.domain()) && !source.path().equals(target.path())) {
                return Optional.of(source.path());
            }
        }
        return Optional.empty();
    }

    /**
     * The layer's blob as it goes to a registry: the stored blob when it is compressed, else a
     * gzip of it, made once, stored, and recorded on the layer row in place of the plain tar.
     */
    private Descriptor compressedBlob(LayerRow layer, Leases.Lease lease) {
        if (layer.blobDigest() == null || !blobs.contains(layer.blobDigest())) {
            throw BerthException.notImplemented("layer %s has no stored blob to push", layer.diffId());
        }
        String mediaType = layer.blobMediaType() == null ? MediaTypes.DOCKER_LAYER : layer.blobMediaType();
        if (isCompressed(mediaType)) {
            return Descriptor.of(dockerLayerType(mediaType), layer.blobDigest(), layer.blobSize());
        }
        BlobInfo gz = gzip(layer.blobDigest());
        lease.add(gz.digest());
        images.db().inTransaction(tx -> {
            tx.layers().setBlob(layer.chainId(), gz.digest(), MediaTypes.DOCKER_LAYER_GZIP, gz.size());
            return null;
        });
        // The plain tar is garbage now unless another layer row still names it.
        images.layers().deleteBlobIfUnused(layer.blobDigest());
        return Descriptor.of(MediaTypes.DOCKER_LAYER_GZIP, gz.digest(), gz.size());
    }

    private BlobInfo gzip(Digest plain) {
        // java.util.zip writes a fixed header (no name, no mtime), so the same tar always gives the same bytes.
        // The pipe's reader closes first, so a failed ingest ends the compressing thread too.
        try (ExecutorService writer = Executors.newVirtualThreadPerTaskExecutor();
             PipedInputStream in = new PipedInputStream(1 << 20)) {
            PipedOutputStream pipe = new PipedOutputStream(in);
            Future<?> compressing = writer.submit(() -> {
                try (InputStream tar = blobs.open(plain); OutputStream gz = new GZIPOutputStream(pipe, 1 << 16)) {
                    tar.transferTo(gz);
                }
                return null;
            });
            BlobInfo info = blobs.ingest(in, null, -1);
            await(compressing);
            return info;
        } catch (IOException e) {
            throw BerthException.internal("compressing layer " + plain, e);
        }
    }

    private static boolean isCompressed(String mediaType) {
        return mediaType.endsWith("gzip") || mediaType.endsWith("zstd");
    }

    /** Docker schema2 names for the layer types (a Docker manifest must not carry OCI layer types). */
    private static String dockerLayerType(String mediaType) {
        return switch (mediaType) {
            case MediaTypes.OCI_LAYER_GZIP -> MediaTypes.DOCKER_LAYER_GZIP;
            case MediaTypes.OCI_LAYER_ZSTD -> MediaTypes.DOCKER_LAYER_ZSTD;
            default -> mediaType;
        };
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BerthException(ErrorKind.UNAVAILABLE, "push interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BerthException b) {
                throw b;
            }
            throw BerthException.internal("push failed: " + e.getCause(), e.getCause());
        }
    }

    /** Reports "Pushing" progress as the HTTP client reads the blob. */
    private static final class Counting extends FilterInputStream {
        private static final long STEP = 512 * 1024;
        private final String id;
        private final long total;
        private final ProgressListener progress;
        private long read;
        private long reported;

        Counting(InputStream in, String id, long total, ProgressListener progress) {
            super(in);
            this.id = id;
            this.total = total;
            this.progress = progress;
            progress.progress(id, "Pushing", 0, total);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                read += n;
                if (read - reported >= STEP || read == total) {
                    reported = read;
                    progress.progress(id, "Pushing", read, total);
                }
            }
            return n;
        }
    }
}
