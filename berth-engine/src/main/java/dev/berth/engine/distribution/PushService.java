package dev.berth.engine.distribution;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.auth.RegistryCredentials;
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
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.reference.ImageReference;
import dev.berth.engine.image.ImageEvents;
import dev.berth.engine.image.ImageStore;
import dev.berth.engine.image.LayerStore;
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
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * {@code docker push}: uploads an image's layers that the registry lacks (in parallel), mounting
 * a blob from another repository of the same registry where the daemon knows one that has it,
 * then the config, then the manifest under the tag. An image that came with a manifest (a pull)
 * is pushed with that manifest's exact bytes while its blobs are here, so it keeps its digest;
 * otherwise a Docker schema2 manifest is made. Layers stored uncompressed (from a
 * {@code docker load} or a build) are gzipped once and the gzipped blob kept and recorded, so the
 * next push of the same layer gives the same digest; a layer without any stored blob is written
 * again from its snapshot.
 *
 * <p>Progress is Docker's: {@code The push refers to repository […]}, per layer (keyed by the
 * short diff ID) {@code Preparing}, {@code Waiting}, {@code Pushing} (current/total), {@code Pushed},
 * {@code Layer already exists} or {@code Mounted from …}, and finally
 * {@code <tag>: digest: sha256:… size: N}.
 */
public final class PushService {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RegistryClient client;
    private final ImageStore images;
    private final BlobStore blobs;
    private final Leases leases;
    private final LayerStore layers;
    private final MetadataStore db;
    private final ImageEvents events;

    public PushService(
            RegistryClient client,
            ImageStore images,
            BlobStore blobs,
            Leases leases,
            LayerStore layers,
            MetadataStore db,
            ImageEvents events) {
        this.client = client;
        this.images = images;
        this.blobs = blobs;
        this.leases = leases;
        this.layers = layers;
        this.db = db;
        this.events = events;
    }

    /** One pushed tag: the manifest digest and size the registry now has under it. */
    public record Pushed(ImageReference reference, Digest digest, long size) {}

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
            refs = db.read(tx -> tx.tags().all()).keySet().stream()
                    .filter(k -> k.startsWith(prefix))
                    .map(ImageReference::parse)
                    .toList();
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
        Digest id = db.read(tx -> tx.tags().get(ref.toString()))
                .orElseThrow(() -> BerthException.notFound(
                        "An image does not exist locally with the tag: %s", ref.familiarName()));
        Raw<ImageConfig> config = images.config(id);
        List<LayerRow> layers = db.read(tx -> {
            List<LayerRow> rows = new ArrayList<>();
            for (Digest chainId : tx.images().layers(id)) {
                rows.add(tx.layers()
                        .get(chainId)
                        .orElseThrow(() ->
                                BerthException.dataLoss("image %s lists layer %s, which has no row", id, chainId)));
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
        try (Leases.Lease lease = leases.acquire(leased)) {
            for (LayerRow l : layers) {
                progress.status(l.diffId().shortHex(), "Preparing");
            }
            Optional<Original> original = original(id, layers, lease);
            String mediaType;
            byte[] manifestBytes;
            if (original.isPresent()) {
                Original o = original.get();
                List<Descriptor> blobs = o.manifest().layers();
                List<Supplier<Descriptor>> sources =
                        blobs.stream().<Supplier<Descriptor>>map(d -> () -> d).toList();
                uploadLayers(session, ref, layers, sources, lease, progress);
                mediaType = o.mediaType();
                manifestBytes = o.bytes();
            } else {
                List<Supplier<Descriptor>> sources = layers.stream()
                        .<Supplier<Descriptor>>map(l -> () -> compressedBlob(l, lease))
                        .toList();
                List<Descriptor> descriptors = uploadLayers(session, ref, layers, sources, lease, progress);
                Descriptor configDescriptor = Descriptor.of(MediaTypes.DOCKER_CONFIG, id, config.size());
                mediaType = MediaTypes.DOCKER_MANIFEST;
                manifestBytes =
                        Raw.of(Manifest.docker(configDescriptor, descriptors)).bytes();
            }
            if (session.blobSize(repository, id, List.of(RegistrySession.pushScope(repository)))
                    .isEmpty()) {
                byte[] bytes = config.bytes();
                URI location = session.startUpload(repository, id, null).orElseThrow();
                session.upload(repository, location, id, bytes.length, () -> new ByteArrayInputStream(bytes));
            }
            String tag = ref.tag().orElseThrow();
            Digest digest = session.putManifest(repository, tag, mediaType, manifestBytes);
            lease.add(digest);
            if (!blobs.contains(digest)) {
                blobs.ingest(new ByteArrayInputStream(manifestBytes), digest, manifestBytes.length);
            }
            String repoDigestRef = ref.nameOnly().withDigest(digest).toString();
            db.inTransaction(tx -> {
                tx.repoDigests().put(repoDigestRef, id, digest);
                return null;
            });
            events.publish(
                    "push",
                    id,
                    ref.familiarString(),
                    config.value().configOrEmpty().labels());
            progress.status(null, tag + ": digest: " + digest + " size: " + manifestBytes.length);
            return new Pushed(ref, digest, manifestBytes.length);
        }
    }

    /** A manifest the image came with (a pull stored it), sent again byte for byte by a push. */
    private record Original(Digest digest, String mediaType, byte[] bytes, Manifest manifest) {}

    /**
     * The manifest this image was pulled with, when its layers are unchanged and every layer blob
     * it names is still here: pushing its exact bytes keeps the digest the image has elsewhere
     * (as Docker with the containerd store does), OCI or Docker media types alike. It is the
     * image manifest a repo digest of the image resolves to: the one it names, or the platform
     * manifest a pull chose from the index it names.
     */
    private Optional<Original> original(Digest id, List<LayerRow> layers, Leases.Lease lease) {
        List<Digest> pulled = db.read(tx -> tx.repoDigests().rowsForImage(id).stream()
                .map(r -> r.imageManifest() != null ? r.imageManifest() : r.manifestDigest())
                .distinct()
                .toList());
        for (Digest d : pulled) {
            lease.add(d);
            Optional<Original> o = asOriginal(d, PulledManifests.readManifest(blobs, d), id, layers, lease);
            if (o.isPresent()) {
                return o;
            }
        }
        return Optional.empty();
    }

    private Optional<Original> asOriginal(
            Digest digest, Optional<byte[]> bytes, Digest id, List<LayerRow> layers, Leases.Lease lease) {
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        String type = mediaTypeOf(bytes.get());
        if (!MediaTypes.isManifest(type)) {
            return Optional.empty();
        }
        Manifest m;
        try {
            m = Raw.parse(bytes.get(), Manifest.class, "manifest " + digest).value();
        } catch (BerthException e) {
            return Optional.empty();
        }
        if (m.config() == null || !id.equals(m.config().digest()) || m.layers().size() != layers.size()) {
            return Optional.empty();
        }
        lease.add(digest);
        for (Descriptor l : m.layers()) {
            lease.add(l.digest());
            if (!PullService.isNonDistributable(l) && !blobs.contains(l.digest())) {
                return Optional.empty();
            }
        }
        return Optional.of(new Original(digest, type, bytes.get(), m));
    }

    /** The document's {@code mediaType}, or for an OCI document without one, what its fields make it. */
    private static String mediaTypeOf(byte[] bytes) {
        try {
            var node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                return "";
            }
            var field = node.get("mediaType");
            if (field != null && field.isTextual()) {
                return field.asText();
            }
            return node.has("manifests") ? MediaTypes.OCI_INDEX : node.has("config") ? MediaTypes.OCI_MANIFEST : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Layers a registry need not have (image-spec "non-distributable", Docker's "foreign"): never uploaded. */
    private List<Descriptor> uploadLayers(
            RegistrySession session,
            ImageReference ref,
            List<LayerRow> layers,
            List<Supplier<Descriptor>> sources,
            Leases.Lease lease,
            ProgressListener progress) {
        Semaphore permits = new Semaphore(client.settings().maxConcurrentUploads());
        List<Future<Descriptor>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < layers.size(); i++) {
                LayerRow layer = layers.get(i);
                Supplier<Descriptor> source = sources.get(i);
                String id = layer.diffId().shortHex();
                futures.add(pool.submit(() -> {
                    if (!permits.tryAcquire()) {
                        progress.status(id, "Waiting");
                        permits.acquire();
                    }
                    try {
                        return uploadLayer(session, ref, layer, source.get(), id, progress);
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

    private Descriptor uploadLayer(
            RegistrySession session,
            ImageReference ref,
            LayerRow layer,
            Descriptor blob,
            String id,
            ProgressListener progress) {
        if (PullService.isNonDistributable(blob)) {
            progress.status(id, "Skipped foreign layer");
            return blob;
        }
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
        session.upload(
                repository,
                location.get(),
                blob.digest(),
                size,
                () -> new Counting(blobs.open(blob.digest()), id, size, progress));
        progress.status(id, "Pushed");
        return blob;
    }

    /**
     * Another repository of the same registry that has this layer's blob: one the daemon pulled
     * an image holding the layer from, or pushed such an image to (its RepoDigests say so).
     */
    private Optional<String> mountSource(ImageReference target, LayerRow layer) {
        List<String> refs = db.read(tx -> {
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
            return repack(layer, lease);
        }
        String mediaType = layer.blobMediaType() == null ? MediaTypes.DOCKER_LAYER : layer.blobMediaType();
        if (isCompressed(mediaType)) {
            return Descriptor.of(dockerLayerType(mediaType), layer.blobDigest(), layer.blobSize());
        }
        BlobInfo gz = gzip(layer.blobDigest());
        lease.add(gz.digest());
        db.inTransaction(tx -> {
            tx.layers().setBlob(layer.chainId(), gz.digest(), MediaTypes.DOCKER_LAYER_GZIP, gz.size());
            return null;
        });
        // The plain tar is garbage now unless another layer row still names it (removed when
        // this push's lease of it ends).
        layers.deleteBlobIfUnused(layer.blobDigest());
        return Descriptor.of(MediaTypes.DOCKER_LAYER_GZIP, gz.digest(), gz.size());
    }

    private BlobInfo gzip(Digest plain) {
        return compress(out -> {
            try (InputStream tar = blobs.open(plain)) {
                tar.transferTo(out);
            }
        });
    }

    /**
     * A layer without a stored blob (it was dropped, or never kept) is written again from its
     * snapshot, gzipped, stored and recorded on the layer row, as Docker regenerates a layer from
     * its files and records the new compressed digest. The tar must hash to the layer's diff ID,
     * or the image's config would lie about it: Berth's own layers (commits, builds) are written
     * deterministically and pass; a layer that came as someone else's tar may not, and then the
     * push stops with the reason rather than sending a different image.
     */
    private Descriptor repack(LayerRow layer, Leases.Lease lease) {
        MessageDigest tarDigest = layer.diffId().newHasher();
        BlobInfo gz = compress(out ->
                layers.snapshotter().diff(layer.snapshotKey(), new java.security.DigestOutputStream(out, tarDigest)));
        Digest diffId = Digest.of(layer.diffId().algorithm(), tarDigest.digest());
        if (!diffId.equals(layer.diffId())) {
            layers.deleteBlobIfUnused(gz.digest());
            throw BerthException.dataLoss(
                    "layer %s has no stored blob, and its files (snapshot %s) make a tar with diff ID"
                            + " %s: the image cannot be pushed as it is; pull or load it again",
                    layer.diffId(), layer.snapshotKey(), diffId);
        }
        lease.add(gz.digest());
        db.inTransaction(tx -> {
            tx.layers().setBlob(layer.chainId(), gz.digest(), MediaTypes.DOCKER_LAYER_GZIP, gz.size());
            return null;
        });
        return Descriptor.of(MediaTypes.DOCKER_LAYER_GZIP, gz.digest(), gz.size());
    }

    private interface TarSource {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Gzips what {@code source} writes into a new blob of the content store. */
    private BlobInfo compress(TarSource source) {
        // java.util.zip writes a fixed header (no name, no mtime), so the same tar always gives the same bytes.
        // The pipe's reader closes first, so a failed ingest ends the compressing thread too.
        try (ExecutorService writer = Executors.newVirtualThreadPerTaskExecutor();
                PipedInputStream in = new PipedInputStream(1 << 20)) {
            PipedOutputStream pipe = new PipedOutputStream(in);
            Future<?> compressing = writer.submit(() -> {
                try (OutputStream gz = new GZIPOutputStream(pipe, 1 << 16)) {
                    source.writeTo(gz);
                }
                return null;
            });
            BlobInfo info;
            try {
                info = blobs.ingest(in, null, -1);
            } catch (RuntimeException e) {
                compressing.cancel(true);
                throw e;
            }
            await(compressing);
            return info;
        } catch (IOException e) {
            throw BerthException.internal("compressing a layer", e);
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
