package dev.berth.engine.distribution;

import dev.berth.core.auth.RegistryCredentials;
import dev.berth.core.content.BlobInfo;
import dev.berth.core.content.BlobStore;
import dev.berth.core.digest.ChainId;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.image.Descriptor;
import dev.berth.core.image.ImageConfig;
import dev.berth.core.image.Index;
import dev.berth.core.image.Manifest;
import dev.berth.core.image.MediaTypes;
import dev.berth.core.image.Platform;
import dev.berth.core.image.Raw;
import dev.berth.core.metadata.LayerRow;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.reference.ImageReference;
import dev.berth.engine.image.ImageEvents;
import dev.berth.engine.image.ImageStore;
import dev.berth.engine.image.LayerBlob;
import dev.berth.engine.image.LayerStore;
import dev.berth.engine.image.Leases;
import dev.berth.engine.image.ProgressListener;
import dev.berth.engine.image.RepoDigest;
import dev.berth.engine.image.StartupCheck;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * {@code docker pull}: resolves a reference on its registry (an index or manifest list picks the
 * wanted platform), downloads the layers the daemon lacks in parallel (resumable, verified), and
 * unpacks each as soon as it and the layer below it are there, so unpacking overlaps the
 * downloads above it. The image's rows are written last, in one transaction: an interrupted pull
 * leaves no image, only blobs and snapshots that the next pull reuses (and partial downloads it
 * resumes).
 *
 * <p>Progress is Docker's: {@code Pulling from}, per layer {@code Pulling fs layer}, {@code Waiting},
 * {@code Downloading} (current/total), {@code Verifying Checksum}, {@code Download complete},
 * {@code Extracting}, {@code Pull complete} (or {@code Already exists}), then {@code Digest:} and
 * {@code Status:}.
 */
public final class PullService {
    private final RegistryClient client;
    private final ImageStore images;
    private final BlobStore blobs;
    private final Leases leases;
    private final LayerStore layers;
    private final MetadataStore db;
    private final ImageEvents events;
    private final Clock clock;
    private final BlobFetcher fetcher;
    private final BiFunction<RegistrySession, String, BlobSource> sources;

    public PullService(
            RegistryClient client,
            ImageStore images,
            BlobStore blobs,
            Leases leases,
            LayerStore layers,
            MetadataStore db,
            ImageEvents events,
            Clock clock) {
        this(client, images, blobs, leases, layers, db, events, clock, BlobSource::of);
    }

    /** As the public constructor, reading each pull's blobs from {@code sources(session, repository)}. */
    PullService(
            RegistryClient client,
            ImageStore images,
            BlobStore blobs,
            Leases leases,
            LayerStore layers,
            MetadataStore db,
            ImageEvents events,
            Clock clock,
            BiFunction<RegistrySession, String, BlobSource> sources) {
        this.client = client;
        this.images = images;
        this.blobs = blobs;
        this.leases = leases;
        this.layers = layers;
        this.db = db;
        this.events = events;
        this.clock = clock;
        this.fetcher = new BlobFetcher(blobs);
        this.sources = sources;
    }

    /** What a pull did. {@code updated}: the image is new here, or the tag moved to it. */
    public record Result(ImageReference reference, Digest imageId, Digest repoDigest, boolean updated) {}

    /**
     * The reference {@code POST /images/create?fromImage=&tag=} names, as moby's postImagesCreate
     * reads it: {@code tag} may be a tag or a digest; without either, {@code latest} (Berth does not
     * pull all tags of a repository).
     */
    public static ImageReference reference(String fromImage, String tag) {
        ImageReference ref = ImageReference.parse(fromImage);
        if (tag != null && !tag.isEmpty()) {
            if (tag.contains(":")) {
                ref = ref.nameOnly().withDigest(Digest.parse(tag));
            } else {
                ref = ref.withTag(tag);
            }
        }
        return ref.dockerRef();
    }

    public Result pull(
            ImageReference reference, String platform, RegistryCredentials credentials, ProgressListener progress) {
        ImageReference ref = reference.dockerRef();
        Platform wanted = PlatformChoice.parse(platform);
        String repository = ref.path();
        String tagOrDigest =
                ref.digest().map(Digest::toString).orElseGet(() -> ref.tag().orElseThrow());
        RegistrySession session = client.session(ref.domain(), credentials, false);

        // The manifest comes before the first message, as in Docker: a name that does not exist is
        // then a plain error response (404), not an error inside a started stream.
        FetchedManifest top;
        try {
            top = fetchManifest(session, ref, tagOrDigest);
        } catch (BerthException e) {
            // A mirror that lacks the image (or is down) is skipped, as Docker does: the registry itself decides.
            if (!session.viaMirror() || e.kind() == ErrorKind.INVALID_ARGUMENT) {
                throw e;
            }
            session = client.session(ref.domain(), credentials, true);
            top = fetchManifest(session, ref, tagOrDigest);
        }
        progress.status(tagOrDigest, "Pulling from " + repository);
        List<FetchedManifest> documents = new ArrayList<>(List.of(top));
        FetchedManifest manifestDoc = top;
        if (MediaTypes.isIndex(top.mediaType())) {
            Index index =
                    Raw.parse(top.bytes(), Index.class, "index " + top.digest()).value();
            Descriptor chosen = PlatformChoice.choose(index, wanted);
            manifestDoc = fetchManifest(session, ref, chosen.digest().toString());
            documents.add(manifestDoc);
        }
        if (!MediaTypes.isManifest(manifestDoc.mediaType())) {
            throw BerthException.invalid(
                    "%s: unsupported manifest media type %s",
                    ref.familiarString(), manifestDoc.mediaType().isEmpty() ? "(none)" : manifestDoc.mediaType());
        }
        Manifest manifest = Raw.parse(manifestDoc.bytes(), Manifest.class, "manifest " + manifestDoc.digest())
                .value();
        if (manifest.config() == null) {
            throw BerthException.invalid("manifest %s of %s has no config", manifestDoc.digest(), ref.familiarString());
        }
        Digest repoDigest = top.digest();
        BlobSource source = sources.apply(session, repository);

        List<Digest> leased = new ArrayList<>();
        leased.add(manifest.config().digest());
        documents.forEach(d -> leased.add(d.digest()));
        manifest.layers().forEach(l -> leased.add(l.digest()));
        try (Leases.Lease lease = leases.acquire(leased)) {
            fetcher.fetch(source, manifest.config(), manifest.config().digest().shortHex(), ProgressListener.NONE);
            Raw<ImageConfig> config = readConfig(manifest.config().digest());
            if (platform != null && !platform.isBlank() && !MediaTypes.isIndex(top.mediaType())) {
                checkPlatform(ref, config.value(), wanted);
            }
            List<Digest> diffIds = config.value().diffIds();
            if (diffIds.size() != manifest.layers().size()) {
                throw BerthException.invalid(
                        "image %s: manifest lists %d layers, its config %d diff IDs",
                        ref.familiarString(), manifest.layers().size(), diffIds.size());
            }
            List<Digest> chain = ChainId.chain(diffIds);
            chain.forEach(lease::add);
            Digest id = config.digest();
            boolean present = images.row(id).isPresent();
            boolean tagPointsHere = ref.tag().isPresent()
                    && db.read(tx -> tx.tags().get(ref.toString()))
                            .filter(id::equals)
                            .isPresent();
            List<Digest> layerBlobDigests =
                    manifest.layers().stream().map(Descriptor::digest).toList();
            if (!present) {
                // Durable as well: the layers of a pull cut short by a crash stay for the next one.
                Instant until = clock.instant().plus(StartupCheck.DEFAULT_INGEST_GRACE);
                db.inTransaction(tx -> {
                    tx.pullLeases().lease(layerBlobDigests, until);
                    return null;
                });
            }
            List<LayerStore.Unpacked> unpacked =
                    present ? List.of() : fetchAndUnpack(source, manifest.layers(), diffIds, chain, progress);
            for (FetchedManifest doc : documents) {
                if (!blobs.contains(doc.digest())) {
                    blobs.ingest(new ByteArrayInputStream(doc.bytes()), doc.digest(), doc.size());
                }
            }
            List<LayerBlob> layerBlobs = manifest.layers().stream()
                    .map(l -> new LayerBlob(l.digest(), l.size(), l.mediaType()))
                    .toList();
            List<ImageReference> tags = ref.tag().isPresent() ? List.of(ref) : List.of();
            // Image, layers, tag and RepoDigest (with the platform manifest an index resolved to) in
            // one transaction, after their blobs: a pull is all rows or none.
            ImageStore.Added added = images.add(
                    config,
                    layerBlobs,
                    unpacked,
                    tags,
                    Map.of(ref.nameOnly().withDigest(repoDigest), new RepoDigest(repoDigest, manifestDoc.digest())),
                    null,
                    ProgressListener.NONE);
            if (!present) {
                db.inTransaction(tx -> {
                    tx.pullLeases().release(layerBlobDigests);
                    return null;
                });
            }
            // A layer that another operation stored meanwhile (a load of the same image, whose
            // row names its plain tar) keeps its own blob, and an image here already its own: what
            // this pull downloaded then is garbage. Removed once the lease ends, if no row names it.
            layerBlobDigests.forEach(layers::deleteBlobIfUnused);
            // Docker's rule: "Downloaded newer image" when the tag moved (or came) here, or, for a
            // pull by digest, when the image is new; otherwise the pull changed nothing.
            boolean updated = ref.tag().isPresent() ? !tagPointsHere : added.isNew();
            events.publish(
                    "pull",
                    id,
                    ref.familiarString(),
                    config.value().configOrEmpty().labels());
            progress.status(null, "Digest: " + repoDigest);
            progress.status(
                    null,
                    "Status: " + (updated ? "Downloaded newer image for " : "Image is up to date for ")
                            + ref.familiarString());
            return new Result(ref, id, repoDigest, updated);
        }
    }

    private FetchedManifest fetchManifest(RegistrySession session, ImageReference ref, String reference) {
        try {
            return session.manifest(ref.path(), reference);
        } catch (BerthException e) {
            if (e.kind() == ErrorKind.UNAUTHORIZED
                    || e.kind() == ErrorKind.FORBIDDEN
                    || e.kind() == ErrorKind.NOT_FOUND && RegistryErrors.hasCode(e, "NAME_UNKNOWN")) {
                throw new BerthException(
                        e.kind(),
                        "pull access denied for %s, repository does not exist or may require 'docker login': %s"
                                .formatted(ref.familiarName(), e.getMessage()),
                        e);
            }
            throw e;
        }
    }

    /** A single-platform image asked for with another --platform is refused with Docker's message. */
    private static void checkPlatform(ImageReference ref, ImageConfig config, Platform wanted) {
        Platform actual = new Platform(
                PlatformChoice.normalizeArchitecture(config.architecture()), config.os(), null, null, config.variant());
        boolean matches = wanted.os().equals(actual.os())
                && wanted.architecture().equals(actual.architecture())
                && (wanted.variant() == null || wanted.variant().equals(actual.variant()));
        if (!matches) {
            throw BerthException.notFound(
                    "image with reference %s was found but does not match the specified platform: "
                            + "wanted %s, actual: %s",
                    ref.familiarString(), PlatformChoice.format(wanted), PlatformChoice.format(actual));
        }
    }

    private Raw<ImageConfig> readConfig(Digest digest) {
        try (InputStream in = blobs.open(digest)) {
            return Raw.parse(in.readAllBytes(), ImageConfig.class, "image config " + digest);
        } catch (IOException e) {
            throw BerthException.dataLoss("cannot read image config %s: %s", digest, e.getMessage());
        }
    }

    /**
     * Downloads the missing layers (at most {@code maxConcurrentDownloads} at once) and unpacks
     * them bottom-up on this thread as each becomes available.
     *
     * <p>Every layer is needed, so the first download that fails for good (after its retries, or of
     * an Error) or an unpack that fails loses the pull at once: no further layer is fetched, the
     * downloads in flight are interrupted (keeping their bytes for the next pull to resume), and
     * the pull fails with that first failure rather than with what it caused.
     */
    private List<LayerStore.Unpacked> fetchAndUnpack(
            BlobSource source,
            List<Descriptor> layers,
            List<Digest> diffIds,
            List<Digest> chain,
            ProgressListener progress) {
        LayerStore layerStore = this.layers;
        List<LayerStore.Unpacked> unpacked = new ArrayList<>();
        int have = 0;
        while (have < chain.size()) {
            Optional<LayerRow> row = layerStore.get(chain.get(have));
            if (row.isEmpty()) {
                break;
            }
            unpacked.add(new LayerStore.Unpacked(row.get(), false));
            have++;
        }
        Map<Digest, Future<BlobInfo>> downloads = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            Descriptor layer = layers.get(i);
            String id = layer.digest().shortHex();
            if (i < have) {
                progress.status(id, "Already exists");
            } else if (!downloads.containsKey(layer.digest())) {
                if (isNonDistributable(layer)) {
                    throw BerthException.notImplemented(
                            "layer %s is non-distributable (foreign URLs); Berth does not fetch those", layer.digest());
                }
                progress.status(id, "Pulling fs layer");
                downloads.put(layer.digest(), null);
            }
        }
        // A few workers take the layers in order, bottom first: the order they are unpacked in,
        // so the unpacker never waits for a layer that lost its turn to one above it.
        List<Descriptor> queue = new ArrayList<>();
        Map<Digest, CompletableFuture<BlobInfo>> pending = new LinkedHashMap<>();
        Map<Digest, LayerFeed> feeds = new LinkedHashMap<>();
        for (Descriptor layer : layers.subList(have, layers.size())) {
            if (!pending.containsKey(layer.digest())) {
                queue.add(layer);
                pending.put(layer.digest(), new CompletableFuture<>());
                feeds.put(layer.digest(), new LayerFeed());
            }
        }
        downloads.putAll(pending);
        int workers = Math.min(client.settings().maxConcurrentDownloads(), queue.size());
        for (Descriptor layer : queue.subList(workers, queue.size())) {
            progress.status(layer.digest().shortHex(), "Waiting");
        }
        AtomicInteger next = new AtomicInteger();
        // The first download that failed: every layer is needed, so it loses the pull at once.
        AtomicReference<Failed> lost = new AtomicReference<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < workers; w++) {
                pool.submit(() -> {
                    for (int k = next.getAndIncrement(); k < queue.size(); k = next.getAndIncrement()) {
                        Descriptor layer = queue.get(k);
                        String id = layer.digest().shortHex();
                        LayerFeed feed = feeds.get(layer.digest());
                        CompletableFuture<BlobInfo> done = pending.get(layer.digest());
                        if (lost.get() != null || Thread.currentThread().isInterrupted()) {
                            // A download failed, or the unpacker gave up (shutdownNow): fetch nothing more.
                            abandon(layer.digest(), feed, done);
                            continue;
                        }
                        try {
                            BlobInfo info = fetcher.fetch(source, layer, id, progress, feed);
                            progress.status(id, "Download complete");
                            done.complete(info);
                        } catch (Throwable e) {
                            // Even an Error settles the layer, since the unpacker may be waiting on it, and
                            // becomes the pull's failure rather than ending this thread unseen. Recorded
                            // before the layer is settled, so an unpacker woken by it finds the cause.
                            boolean first = lost.compareAndSet(null, new Failed(layer.digest(), e));
                            feed.failed(e);
                            done.completeExceptionally(e);
                            if (first) {
                                // Wake the unpacker wherever it waits, even on a layer still downloading.
                                pending.forEach((digest, future) -> abandon(digest, feeds.get(digest), future));
                            }
                        }
                    }
                });
            }
            try {
                unpacked.addAll(unpackAll(layers, diffIds, chain, have, feeds, downloads, progress));
                // Layers found unpacked already did not wait for their blobs; the rows need them.
                for (Future<BlobInfo> download : downloads.values()) {
                    await(download);
                }
            } catch (RuntimeException | Error e) {
                // A failed download explains a failed unpack of its bytes better than the unpacker can.
                // Read before shutdownNow: the downloads it interrupts fail too, and are no cause.
                Failed first = lost.get();
                pool.shutdownNow();
                if (first != null) {
                    throw first.exception();
                }
                throw e;
            }
        }
        return unpacked;
    }

    /**
     * Unpacks layers {@code from}.. as their bytes come, bottom first, and returns them in order.
     * Where the snapshotter needs no parent's files to unpack a layer (overlay), as many layers
     * are unpacked at once as there are cores: decompressing and hashing, not the network, is what
     * a pull from a near registry waits for (one core unpacked a 70 MB layer in ~180 ms, 6 of
     * them in a row were most of a 1.1 s pull). Their rows, which make them usable, are written
     * after all of them. The first unpack that fails interrupts the others, which remove what
     * they staged, and is the pull's failure.
     */
    private List<LayerStore.Unpacked> unpackAll(
            List<Descriptor> layers,
            List<Digest> diffIds,
            List<Digest> chain,
            int from,
            Map<Digest, LayerFeed> feeds,
            Map<Digest, Future<BlobInfo>> downloads,
            ProgressListener progress) {
        int parallel = this.layers.unpacksSideBySide() ? Runtime.getRuntime().availableProcessors() : 1;
        List<CompletableFuture<LayerStore.Unpacked>> results = new ArrayList<>();
        CompletableFuture<Void> firstFailure = new CompletableFuture<>();
        Set<Digest> streamed = new HashSet<>();
        // platform threads: an unpack keeps a core busy, and would starve the downloads' virtual threads
        try (ExecutorService unpackers = Executors.newFixedThreadPool(
                parallel, Thread.ofPlatform().name("unpack-", 0).daemon().factory())) {
            for (int i = from; i < layers.size(); i++) {
                Descriptor layer = layers.get(i);
                Digest parent = i == 0 ? null : chain.get(i - 1);
                Digest diffId = diffIds.get(i);
                LayerFeed feed = feeds.get(layer.digest());
                // A blob listed twice streams once; the second use reads it from the store.
                Supplier<InputStream> stored = () -> blobs.open(layer.digest());
                Supplier<InputStream> streamedOrStored = feed != null && streamed.add(layer.digest())
                        ? () -> feed.open(stored)
                        : () -> {
                            await(downloads.get(layer.digest()));
                            return stored.get();
                        };
                String id = layer.digest().shortHex();
                CompletableFuture<LayerStore.Unpacked> result = CompletableFuture.supplyAsync(
                        () -> {
                            LayerStore.Unpacked u = this.layers.unpack(
                                    parent,
                                    diffId,
                                    new LayerBlob(layer.digest(), layer.size(), layer.mediaType()),
                                    streamedOrStored,
                                    extracting(id, progress));
                            progress.status(id, "Pull complete");
                            return u;
                        },
                        unpackers);
                result.whenComplete((u, e) -> {
                    if (e != null) {
                        firstFailure.completeExceptionally(e);
                    }
                });
                results.add(result);
            }
            try {
                CompletableFuture.anyOf(
                                CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)), firstFailure)
                        .get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unpackers.shutdownNow();
                throw new BerthException(ErrorKind.UNAVAILABLE, "pull interrupted", e);
            } catch (ExecutionException e) {
                // the others stop reading and remove what they staged before the pull fails
                unpackers.shutdownNow();
                throw e.getCause() instanceof CompletionException c && c.getCause() != null
                        ? asRuntime(c.getCause())
                        : asRuntime(e.getCause());
            }
        }
        return results.stream().map(CompletableFuture::join).toList();
    }

    private static RuntimeException asRuntime(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return BerthException.internal("unpacking failed: " + t, t);
    }

    /**
     * A layer that is not to be copied between registries: one with foreign URLs or of a
     * non-distributable (foreign) media type. A pull refuses it; a push leaves it out.
     */
    static boolean isNonDistributable(Descriptor layer) {
        String mediaType = layer.mediaType();
        return layer.urls() != null && !layer.urls().isEmpty()
                || mediaType != null && (mediaType.contains("nondistributable") || mediaType.contains("foreign"));
    }

    /** A layer that was not fetched because the pull is lost already: settles its feed and future. */
    private static void abandon(Digest layer, LayerFeed feed, CompletableFuture<BlobInfo> done) {
        if (done.isDone()) {
            return;
        }
        BerthException abandoned = BerthException.unavailable("pull abandoned before layer %s was fetched", layer);
        feed.failed(abandoned);
        done.completeExceptionally(abandoned);
    }

    /** The download that lost a pull: a {@link BerthException} is the answer as it is; anything else is a bug. */
    private record Failed(Digest layer, Throwable cause) {
        BerthException exception() {
            return cause instanceof BerthException b
                    ? b
                    : BerthException.internal("downloading layer " + layer + " failed: " + cause, cause);
        }
    }

    /** Waits for a download; its failure is rethrown as is (the pull's first failure replaces it). */
    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BerthException(ErrorKind.UNAVAILABLE, "pull interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BerthException b) {
                throw b;
            }
            throw BerthException.internal("download failed: " + e.getCause(), e.getCause());
        }
    }

    /** The layer store's unpack progress, shown as Docker's "Extracting" under the layer's short digest. */
    private static ProgressListener extracting(String id, ProgressListener progress) {
        return new ProgressListener() {
            @Override
            public void progress(String ignored, String status, long current, long total) {
                progress.progress(id, "Extracting", current, total);
            }
        };
    }
}
