package dev.berth.engine.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.berth.core.auth.RegistryCredentials;
import dev.berth.core.content.LocalBlobStore;
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
import dev.berth.core.image.RootFs;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.metadata.RepoDigestDao;
import dev.berth.core.reference.ImageReference;
import dev.berth.core.snapshot.Snapshotter;
import dev.berth.core.snapshot.VfsSnapshotter;
import dev.berth.engine.event.EventBus;
import dev.berth.engine.image.GcRoots;
import dev.berth.engine.image.ImageServices;
import dev.berth.engine.image.ImageUsers;
import dev.berth.engine.image.LayerStore;
import dev.berth.engine.image.ProgressListener;
import dev.berth.engine.image.StartupCheck;
import dev.berth.testing.Blobs;
import dev.berth.testing.Layers;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pull service against a registry on 127.0.0.1 that can misbehave; no root needed. */
class PullServiceTest {
    /**
     * Docker's defaults, but a 1 s connect timeout: a client tries HTTPS first on a loopback
     * registry, and the fake's plain-HTTP server never answers that handshake, so each first
     * request of a test waited out the default 15 s.
     */
    private static final RegistrySettings SETTINGS = new RegistrySettings(
            List.of(),
            List.of(),
            RegistrySettings.DEFAULTS.maxConcurrentDownloads(),
            RegistrySettings.DEFAULTS.maxConcurrentUploads(),
            Duration.ofSeconds(1));

    @TempDir
    Path root;

    private FakeRegistry registry;
    private MetadataStore db;
    private LocalBlobStore blobs;
    private ImageServices.Parts parts;
    private ImageServices images;
    private Snapshotter snapshots;
    private PullService pulls;
    /** Fails every layer unpack when set (a full disk, a broken layer). */
    private volatile RuntimeException unpackFailure;
    /** Blobs the scripted source was asked for, in order, one entry per attempt. */
    private final List<Digest> opened = new CopyOnWriteArrayList<>();
    /** What the scripted source does instead of asking the registry, per blob. */
    private final Map<Digest, Opening> scripted = new ConcurrentHashMap<>();

    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final ProgressListener progress = new ProgressListener() {
        @Override
        public void status(String id, String status) {
            messages.add((id == null ? "" : id + ": ") + status);
        }

        @Override
        public void progress(String id, String status, long current, long total) {
            messages.add(id + ": " + status + " " + current + "/" + total);
        }
    };

    @BeforeEach
    void setUp() throws IOException {
        registry = new FakeRegistry();
        db = MetadataStore.open(root.resolve("metadata.db"));
        blobs = new LocalBlobStore(root.resolve("content"));
        snapshots = snapshotter(root);
        parts = new ImageServices.Parts(
                db,
                blobs,
                snapshots,
                (tar, dir, whiteouts) -> {
                    if (unpackFailure != null) {
                        throw unpackFailure;
                    }
                    try {
                        return tar.transferTo(OutputStream.nullOutputStream());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                },
                new EventBus(),
                ImageUsers.NONE,
                key -> root.resolve("snapshots").resolve(key).resolve("fs"),
                Clock.systemUTC());
        images = ImageServices.create(parts);
        pulls = pulls(SETTINGS, BlobSource::of);
    }

    /** vfs: a layer is unpacked onto a copy of its parent, so one after the other. */
    Snapshotter snapshotter(Path root) {
        return new VfsSnapshotter(root);
    }

    /** The pull service over this test's image stores, fetching blobs through {@code sources}. */
    private PullService pulls(RegistrySettings settings, BiFunction<RegistrySession, String, BlobSource> sources) {
        return new PullService(
                new RegistryClient(settings),
                images.store(),
                blobs,
                images.leases(),
                images.layers(),
                db,
                images.events(),
                Clock.systemUTC(),
                sources);
    }

    @AfterEach
    void tearDown() {
        registry.close();
        db.close();
    }

    /** An image of {@code layerCount} gzipped layers of {@code layerBytes} random bytes, pushed as repo:tag. */
    private record Pushed(Digest id, Digest manifest, List<Digest> layers, List<Digest> diffIds) {}

    private Pushed push(String repo, String tag, int layerCount, int layerBytes, String arch, long seed)
            throws IOException {
        Random random = new Random(seed);
        List<Descriptor> layers = new ArrayList<>();
        List<Digest> diffIds = new ArrayList<>();
        for (int i = 0; i < layerCount; i++) {
            byte[] content = new byte[layerBytes];
            random.nextBytes(content);
            byte[] tar = Layers.of("file" + i, content);
            byte[] gz = Blobs.gzip(tar);
            registry.putBlob(gz);
            layers.add(Descriptor.of(MediaTypes.DOCKER_LAYER_GZIP, Digest.sha256(gz), gz.length));
            diffIds.add(Digest.sha256(tar));
        }
        Raw<ImageConfig> config = Raw.of(new ImageConfig(
                arch,
                null,
                "linux",
                null,
                null,
                null,
                "2026-01-01T00:00:00Z",
                null,
                null,
                null,
                null,
                RootFs.layers(diffIds),
                List.of()));
        registry.putBlob(config.bytes());
        Raw<Manifest> manifest = Raw.of(
                Manifest.docker(Descriptor.of(MediaTypes.DOCKER_CONFIG, config.digest(), config.size()), layers));
        Digest m = registry.putManifest(repo, tag, MediaTypes.DOCKER_MANIFEST, manifest.bytes());
        return new Pushed(
                config.digest(), m, layers.stream().map(Descriptor::digest).toList(), diffIds);
    }

    private ImageReference ref(String repoAndTag) {
        return ImageReference.parse(registry.address() + "/" + repoAndTag);
    }

    private boolean hasImage(Digest id) {
        return images.store().row(id).isPresent();
    }

    @Test
    void pullsThroughBearerTokenFetchedOncePerScope() throws IOException {
        Pushed image = push("team/app", "1", 3, 200_000, "amd64", 1);

        PullService.Result result = pulls.pull(ref("team/app:1"), null, RegistryCredentials.ANONYMOUS, progress);

        assertThat(result.imageId()).isEqualTo(image.id());
        assertThat(result.repoDigest()).isEqualTo(image.manifest());
        assertThat(result.updated()).isTrue();
        assertThat(hasImage(image.id())).isTrue();
        assertThat(images.resolver().resolve(registry.address() + "/team/app:1"))
                .isEqualTo(image.id());
        assertThat(images.resolver().resolve(registry.address() + "/team/app@" + image.manifest()))
                .isEqualTo(image.id());
        // One token for repository:team/app:pull serves the manifest, the config and the three layers.
        assertThat(registry.tokenRequests.get()).isEqualTo(1);
        String first = image.layers().getFirst().shortHex();
        assertThat(messages)
                .contains(
                        "1: Pulling from team/app",
                        first + ": Pulling fs layer",
                        first + ": Verifying Checksum",
                        first + ": Download complete",
                        first + ": Pull complete",
                        "Digest: " + image.manifest(),
                        "Status: Downloaded newer image for " + registry.address() + "/team/app:1");
        assertThat(messages.indexOf(first + ": Pull complete"))
                .isGreaterThan(messages.indexOf(first + ": Download complete"));
    }

    @Test
    void secondPullChangesNothingAndDownloadsNothing() throws IOException {
        Pushed image = push("a/b", "latest", 2, 50_000, "amd64", 2);
        pulls.pull(ref("a/b"), null, RegistryCredentials.ANONYMOUS, progress);
        int blobRequests = image.layers().stream()
                .mapToInt(d -> registry.blobGets(d).size())
                .sum();
        messages.clear();

        PullService.Result again = pulls.pull(ref("a/b"), null, RegistryCredentials.ANONYMOUS, progress);

        assertThat(again.updated()).isFalse();
        assertThat(image.layers().stream()
                        .mapToInt(d -> registry.blobGets(d).size())
                        .sum())
                .isEqualTo(blobRequests);
        assertThat(messages)
                .contains("Status: Image is up to date for " + registry.address() + "/a/b:latest")
                .noneMatch(m -> m.contains("Pulling fs layer"));
    }

    @Test
    void resumesACutOffDownloadWithARangeRequest() throws IOException {
        Pushed image = push("r/resume", "1", 1, 400_000, "amd64", 3);
        Digest layer = image.layers().getFirst();
        java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
        registry.cutOff = d -> d.equals(layer) && served.getAndIncrement() == 0;

        pulls.pull(ref("r/resume:1"), null, RegistryCredentials.ANONYMOUS, progress);

        assertThat(hasImage(image.id())).isTrue();
        List<FakeRegistry.Seen> gets = registry.blobGets(layer);
        assertThat(gets).hasSize(2);
        assertThat(gets.get(0).range()).isNull();
        assertThat(gets.get(1).range()).matches("bytes=[1-9][0-9]*-");
    }

    @Test
    void interruptedPullLeavesNoImageAndTheNextPullResumesItsBytes() throws IOException {
        Pushed image = push("r/broken", "1", 2, 300_000, "amd64", 4);
        Digest layer = image.layers().get(1);
        registry.cutOff = d -> d.equals(layer);

        assertThatThrownBy(() -> pulls.pull(ref("r/broken:1"), null, RegistryCredentials.ANONYMOUS, progress))
                .isInstanceOf(BerthException.class)
                .satisfies(e -> assertThat(((BerthException) e).kind()).isEqualTo(ErrorKind.UNAVAILABLE));
        assertThat(hasImage(image.id())).isFalse();
        assertThat(images.resolver().find(registry.address() + "/r/broken:1")).isEmpty();
        assertThat(blobs.ingests()).contains(BlobFetcher.ingestRef(layer));

        registry.cutOff = d -> false;
        int before = registry.blobGets(layer).size();
        pulls.pull(ref("r/broken:1"), null, RegistryCredentials.ANONYMOUS, progress);

        assertThat(hasImage(image.id())).isTrue();
        List<FakeRegistry.Seen> resumed = registry.blobGets(layer)
                .subList(before, registry.blobGets(layer).size());
        assertThat(resumed).hasSize(1);
        assertThat(resumed.getFirst().range()).matches("bytes=[1-9][0-9]*-");
        assertThat(blobs.ingests()).isEmpty();
    }

    @Test
    void partialDownloadWithWrongBytesIsFetchedWholeAgain() throws IOException {
        Pushed image = push("r/garbled", "1", 1, 300_000, "amd64", 8);
        Digest layer = image.layers().getFirst();
        // What a crash before writeback can leave: the right length of the wrong bytes.
        try (var partial = blobs.writer(BlobFetcher.ingestRef(layer))) {
            partial.output().write(new byte[100_000]);
        }

        pulls.pull(ref("r/garbled:1"), null, RegistryCredentials.ANONYMOUS, progress);

        assertThat(hasImage(image.id())).isTrue();
        List<FakeRegistry.Seen> gets = registry.blobGets(layer);
        assertThat(gets).hasSize(2);
        assertThat(gets.get(0).range()).isEqualTo("bytes=100000-");
        assertThat(gets.get(1).range()).isNull();
        assertThat(blobs.ingests()).isEmpty();
    }

    @Test
    void corruptLayerIsRefusedAndNothingIsStored() throws IOException {
        Pushed image = push("r/corrupt", "1", 1, 100_000, "amd64", 5);
        Digest layer = image.layers().getFirst();
        registry.corrupt = layer::equals;

        assertThatThrownBy(() -> pulls.pull(ref("r/corrupt:1"), null, RegistryCredentials.ANONYMOUS, progress))
                .isInstanceOf(BerthException.class)
                .satisfies(e -> assertThat(((BerthException) e).kind()).isEqualTo(ErrorKind.DATA_LOSS))
                .hasMessageContaining(layer.toString());
        assertThat(blobs.contains(layer)).isFalse();
        assertThat(blobs.ingests()).isEmpty();
        assertThat(hasImage(image.id())).isFalse();
    }

    @FunctionalInterface
    private interface Opening {
        BlobResponse open(BlobSource registry, Digest digest, long offset);
    }

    /** A pull service whose blobs come through {@link #scripted} (the registry for the rest), {@code downloads} at once. */
    private PullService scriptedPulls(int downloads) {
        RegistrySettings settings = SETTINGS.withMaxConcurrentDownloads(downloads);
        return pulls(settings, (session, repository) -> {
            BlobSource registry = BlobSource.of(session, repository);
            return new BlobSource() {
                @Override
                public BlobResponse open(Digest digest, long offset) {
                    opened.add(digest);
                    Opening o = scripted.get(digest);
                    return o == null ? registry.open(digest, offset) : o.open(registry, digest, offset);
                }

                @Override
                public String registry() {
                    return registry.registry();
                }
            };
        });
    }

    /**
     * A download that never sends a byte, until interrupted: then, as a JDK socket read on a
     * virtual thread does, it fails with the interrupt status still set.
     */
    private static BlobResponse stalled(long offset, CountDownLatch started, CountDownLatch interrupted) {
        InputStream body = new InputStream() {
            @Override
            public int read() throws IOException {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    interrupted.countDown();
                    throw new SocketException("Closed by interrupt");
                }
                return -1;
            }
        };
        return new BlobResponse(body, offset, -1);
    }

    /** The registry's answer, broken off with "Connection reset" once {@code bytes} of it went through. */
    private static BlobResponse resetAfter(BlobResponse response, int bytes) {
        InputStream body = new FilterInputStream(response.body()) {
            private int left = bytes;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left == 0) {
                    throw new SocketException("Connection reset");
                }
                int n = super.read(b, off, Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }
        };
        return new BlobResponse(body, response.offset(), response.length());
    }

    /** Waits for another download to be under way, so that a failure comes while it is. */
    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS))
                    .as("the other download started")
                    .isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private long opens(Digest blob) {
        return opened.stream().filter(blob::equals).count();
    }

    /** Runs a pull that must fail, within a time that only a hang exceeds. */
    private BerthException failedPull(PullService service, String reference) {
        Throwable failure = assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> catchThrowable(
                        () -> service.pull(ref(reference), null, RegistryCredentials.ANONYMOUS, progress)));
        assertThat(failure).isInstanceOf(BerthException.class);
        return (BerthException) failure;
    }

    @Test
    void downloadDyingOfAnErrorFailsThePullAtOnceAndLeavesNothingHalfDone() throws IOException {
        Pushed image = push("r/error", "1", 3, 100_000, "amd64", 11);
        Digest slow = image.layers().get(0);
        Digest dying = image.layers().get(1);
        Digest above = image.layers().get(2);
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch slowInterrupted = new CountDownLatch(1);
        scripted.put(slow, (registry, digest, offset) -> stalled(offset, slowStarted, slowInterrupted));
        scripted.put(dying, (registry, digest, offset) -> {
            await(slowStarted);
            throw new StackOverflowError();
        });

        BerthException e = failedPull(scriptedPulls(2), "r/error:1");

        // The pull fails on the Error, without waiting for the layer below it to arrive.
        assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL);
        assertThat(e).hasMessageContaining("downloading layer " + dying + " failed: java.lang.StackOverflowError");
        assertThat(slowInterrupted.getCount())
                .as("the download still running was broken off")
                .isZero();
        assertThat(opens(dying)).as("an Error is not retried").isEqualTo(1);
        assertThat(opens(above)).as("no layer is fetched once the pull is lost").isZero();
        assertThat(hasImage(image.id())).isFalse();
        assertThat(images.resolver().find(registry.address() + "/r/error:1")).isEmpty();
        // Only the config is stored; no partial download, no half-unpacked layer.
        assertThat(blobs.list()).containsExactly(image.id());
        assertThat(blobs.ingests()).isEmpty();
        assertThat(snapshots.list()).isEmpty();

        scripted.clear();
        opened.clear();
        pulls.pull(ref("r/error:1"), null, RegistryCredentials.ANONYMOUS, progress);
        assertThat(hasImage(image.id())).isTrue();
    }

    @Test
    void downloadFailingWithIOExceptionsFailsAfterFiveAttemptsAndKeepsItsBytesForTheNextPull() throws IOException {
        Pushed image = push("r/reset", "1", 3, 100_000, "amd64", 12);
        Digest below = image.layers().get(0);
        Digest resetting = image.layers().get(1);
        Digest above = image.layers().get(2);
        scripted.put(resetting, (registry, digest, offset) -> resetAfter(registry.open(digest, offset), 10_000));

        BerthException e = failedPull(scriptedPulls(1), "r/reset:1");

        assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(e)
                .hasMessageContaining("downloading " + resetting + " from " + registry.address()
                        + ": Connection reset after 50000 bytes");
        assertThat(opens(resetting))
                .as("Docker's five attempts, each resuming the last")
                .isEqualTo(5);
        assertThat(opens(above)).as("no layer is fetched once the pull is lost").isZero();
        assertThat(hasImage(image.id())).isFalse();
        assertThat(images.resolver().find(registry.address() + "/r/reset:1")).isEmpty();
        // What stays is what the next pull uses: the layer below (stored and unpacked) and the
        // broken layer's bytes; nothing half-unpacked.
        assertThat(blobs.list()).containsExactlyInAnyOrder(image.id(), below);
        assertThat(blobs.ingests()).containsExactly(BlobFetcher.ingestRef(resetting));
        assertThat(snapshots.list())
                .containsExactly(LayerStore.snapshotName(image.diffIds().getFirst()));
        // A daemon restarting now keeps them too: the pull leased its layers; only the unpacked
        // snapshot and the config go.
        assertThat(leasedBlobs()).containsExactlyInAnyOrder(below, resetting, above);
        StartupCheck.Report restart = startupCheck();
        assertThat(restart.kept()).contains("blob " + below + " of an unfinished pull");
        assertThat(blobs.list()).containsExactly(below);
        assertThat(blobs.ingests()).containsExactly(BlobFetcher.ingestRef(resetting));

        scripted.clear();
        int before = registry.blobGets(resetting).size();
        pulls.pull(ref("r/reset:1"), null, RegistryCredentials.ANONYMOUS, progress);
        assertThat(hasImage(image.id())).isTrue();
        assertThat(leasedBlobs())
                .as("released once the image's rows hold the layers")
                .isEmpty();
        assertThat(registry.blobGets(resetting)
                        .subList(before, registry.blobGets(resetting).size()))
                .extracting(FakeRegistry.Seen::range)
                .containsExactly("bytes=50000-");
        assertThat(registry.blobGets(below)).hasSize(1);
    }

    @Test
    void pullWhoseClientWentAwayStopsFetching() throws IOException {
        Pushed image = push("r/gone", "1", 4, 50_000, "amd64", 13);
        List<Digest> layers = image.layers();
        CountDownLatch bottomStarted = new CountDownLatch(1);
        CountDownLatch bottomInterrupted = new CountDownLatch(1);
        AtomicBoolean clientGone = new AtomicBoolean();
        scripted.put(layers.get(0), (registry, digest, offset) -> stalled(offset, bottomStarted, bottomInterrupted));
        scripted.put(layers.get(1), (registry, digest, offset) -> {
            await(bottomStarted);
            clientGone.set(true);
            return registry.open(digest, offset);
        });
        ProgressListener client = new ProgressListener() {
            @Override
            public void status(String id, String status) {
                send();
            }

            @Override
            public void progress(String id, String status, long current, long total) {
                send();
            }

            private void send() {
                if (clientGone.get()) {
                    throw new UncheckedIOException("client went away", new IOException("Broken pipe"));
                }
            }
        };

        Throwable failure = assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> catchThrowable(
                        () -> scriptedPulls(2).pull(ref("r/gone:1"), null, RegistryCredentials.ANONYMOUS, client)));

        assertThat(failure).isInstanceOf(BerthException.class).hasMessageContaining("client went away");
        assertThat(bottomInterrupted.getCount())
                .as("the download still running was broken off")
                .isZero();
        assertThat(opens(layers.get(1))).isEqualTo(1);
        assertThat(opens(layers.get(2)))
                .as("no layer is fetched once the pull is lost")
                .isZero();
        assertThat(opens(layers.get(3))).isZero();
        assertThat(hasImage(image.id())).isFalse();
        assertThat(blobs.ingests()).isEmpty();
    }

    @Test
    void pullWhoseUnpackFailsStopsItsDownloads() throws IOException {
        Pushed image = push("r/unpack", "1", 4, 50_000, "amd64", 14);
        List<Digest> layers = image.layers();
        CountDownLatch stalledInterrupted = new CountDownLatch(1);
        scripted.put(
                layers.get(1),
                (registry, digest, offset) -> stalled(offset, new CountDownLatch(1), stalledInterrupted));
        unpackFailure = new BerthException(ErrorKind.INTERNAL, "writing layer: No space left on device");

        BerthException e = failedPull(scriptedPulls(1), "r/unpack:1");

        assertThat(e).hasMessageContaining("No space left on device");
        // The one worker may have begun the next layer before the unpack failed; if so, it was broken off.
        assertThat(opens(layers.get(1)) == 0 || stalledInterrupted.getCount() == 0)
                .isTrue();
        assertThat(opens(layers.get(2)))
                .as("no layer is fetched once the pull is lost")
                .isZero();
        assertThat(opens(layers.get(3))).isZero();
        assertThat(hasImage(image.id())).isFalse();
        assertThat(snapshots.list()).isEmpty();
    }

    @Test
    void indexPullChoosesLinuxAmd64AndRecordsTheIndexDigest() throws IOException {
        MultiPlatform image = pushMultiPlatform("multi/arch", "1", 6);

        PullService.Result result = pulls.pull(ref("multi/arch:1"), null, RegistryCredentials.ANONYMOUS, progress);
        assertThat(result.imageId()).isEqualTo(image.amd().id());
        assertThat(result.repoDigest()).isEqualTo(image.index());

        PullService.Result arm64 =
                pulls.pull(ref("multi/arch:1"), "linux/arm64", RegistryCredentials.ANONYMOUS, progress);
        assertThat(arm64.imageId()).isEqualTo(image.arm().id());
    }

    /** A linux/arm64 and a linux/amd64 image behind one OCI index, pushed as repo:tag. */
    private record MultiPlatform(Pushed arm, Pushed amd, Digest index) {}

    private MultiPlatform pushMultiPlatform(String repo, String tag, long seed) throws IOException {
        Pushed arm = push(repo, null, 1, 10_000, "arm64", seed);
        Pushed amd = push(repo, null, 1, 10_000, "amd64", seed + 1);
        Index index = Index.oci(List.of(
                Descriptor.of(MediaTypes.DOCKER_MANIFEST, arm.manifest(), 1)
                        .withPlatform(Platform.of("linux", "arm64")),
                Descriptor.of(MediaTypes.DOCKER_MANIFEST, amd.manifest(), 1)
                        .withPlatform(Platform.of("linux", "amd64"))));
        return new MultiPlatform(
                arm,
                amd,
                registry.putManifest(
                        repo, tag, MediaTypes.OCI_INDEX, Raw.of(index).bytes()));
    }

    private java.util.Set<Digest> leasedBlobs() {
        return db.read(tx -> tx.pullLeases().live(java.time.Instant.now()));
    }

    private StartupCheck.Report startupCheck() {
        return ImageServices.startupCheck(
                        parts, d -> root.resolve("content/blobs/sha256").resolve(d.hex()), GcRoots.NONE)
                .run();
    }

    private String blobPath(Digest d) {
        return "blob " + root.resolve("content/blobs/sha256").resolve(d.hex());
    }

    /** Makes the repo digest rows what a Berth from before schema version 4 wrote: no image manifest. */
    private void forgetImageManifests() {
        db.inTransaction(tx -> {
            try (var update = tx.connection().prepareStatement("UPDATE repo_digests SET image_manifest = NULL")) {
                return update.executeUpdate();
            }
        });
    }

    @Test
    void indexPullRecordsItsPlatformManifestWhichStartupKeepsAndRmiRemoves() throws IOException {
        MultiPlatform image = pushMultiPlatform("multi/keep", "1", 15);

        pulls.pull(ref("multi/keep:1"), null, RegistryCredentials.ANONYMOUS, progress);

        String digestRef = registry.address() + "/multi/keep@" + image.index();
        Optional<RepoDigestDao.Row> row = db.read(tx -> tx.repoDigests().row(digestRef));
        assertThat(row)
                .contains(new RepoDigestDao.Row(
                        digestRef, image.amd().id(), image.index(), image.amd().manifest()));
        // Nothing left for start-up to read: the row keeps both manifests.
        assertThat(PulledManifests.recordImageManifests(db, blobs)).isZero();
        assertThat(startupCheck().removed()).isEmpty();
        assertThat(blobs.contains(image.index())).isTrue();
        assertThat(blobs.contains(image.amd().manifest())).isTrue();

        images.remover().remove(registry.address() + "/multi/keep:1", false, false);

        assertThat(hasImage(image.amd().id())).isFalse();
        assertThat(blobs.contains(image.index())).isFalse();
        assertThat(blobs.contains(image.amd().manifest()))
                .as("the platform manifest goes with its row")
                .isFalse();
    }

    @Test
    void indexPulledByAnOlderBerthGetsItsPlatformManifestRecordedOnceAndKeepsOnlyThat() throws IOException {
        MultiPlatform image = pushMultiPlatform("multi/old", "1", 17);
        // Both platforms pulled through one index: the repo digest moved to the last, and the
        // first one's manifest stayed stored.
        pulls.pull(ref("multi/old:1"), "linux/arm64", RegistryCredentials.ANONYMOUS, progress);
        pulls.pull(ref("multi/old:1"), "linux/amd64", RegistryCredentials.ANONYMOUS, progress);
        forgetImageManifests();

        assertThat(PulledManifests.recordImageManifests(db, blobs)).isEqualTo(1);
        assertThat(PulledManifests.recordImageManifests(db, blobs))
                .as("recorded once")
                .isZero();

        String digestRef = registry.address() + "/multi/old@" + image.index();
        Optional<RepoDigestDao.Row> row = db.read(tx -> tx.repoDigests().row(digestRef));
        assertThat(row)
                .contains(new RepoDigestDao.Row(
                        digestRef, image.amd().id(), image.index(), image.amd().manifest()));
        // The other platform's manifest is no row's: garbage; the one the push needs stays.
        assertThat(startupCheck().removed())
                .containsExactly(blobPath(image.arm().manifest()));
        assertThat(blobs.contains(image.amd().manifest())).isTrue();
        assertThat(blobs.contains(image.index())).isTrue();
    }

    @Test
    void repoDigestWhoseIndexIsGoneIsRecordedAsItsOwnManifest() throws IOException {
        Digest index = pushMultiPlatform("multi/gone", "1", 19).index();
        pulls.pull(ref("multi/gone:1"), null, RegistryCredentials.ANONYMOUS, progress);
        forgetImageManifests();
        blobs.delete(index);

        assertThat(PulledManifests.recordImageManifests(db, blobs)).isEqualTo(1);

        Optional<RepoDigestDao.Row> row =
                db.read(tx -> tx.repoDigests().row(registry.address() + "/multi/gone@" + index));
        assertThat(row.map(RepoDigestDao.Row::imageManifest)).contains(index);
        assertThat(PulledManifests.recordImageManifests(db, blobs)).isZero();
    }

    @Test
    void dockerHubNamesArePulledThroughTheConfiguredMirror() throws IOException {
        Pushed image = push("library/busybox", "1.37", 1, 20_000, "amd64", 8);
        RegistrySettings settings = RegistrySettings.of(List.of("http://" + registry.address()), List.of(), 3, 5);
        PullService viaMirror = pulls(settings, BlobSource::of);

        PullService.Result result =
                viaMirror.pull(ImageReference.parse("busybox:1.37"), null, RegistryCredentials.ANONYMOUS, progress);

        assertThat(result.imageId()).isEqualTo(image.id());
        assertThat(images.resolver().resolve("busybox:1.37")).isEqualTo(image.id());
        assertThat(messages).contains("Status: Downloaded newer image for busybox:1.37");
    }

    @Test
    void singlePlatformImageOfAnotherPlatformIsRefused() throws IOException {
        push("only/amd64", "1", 1, 10_000, "amd64", 9);
        assertThatThrownBy(
                        () -> pulls.pull(ref("only/amd64:1"), "linux/arm64", RegistryCredentials.ANONYMOUS, progress))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("does not match the specified platform: wanted linux/arm64, actual: linux/amd64");
    }

    @Test
    void unknownTagIsNotFoundNamingIt() {
        assertThatThrownBy(() -> pulls.pull(ref("no/such:tag"), null, RegistryCredentials.ANONYMOUS, progress))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("manifest for " + registry.address() + "/no/such:tag not found")
                .satisfies(e -> assertThat(((BerthException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }

    @Test
    void anUnknownRepositoryIsPullAccessDeniedAsDockerSaysIt() {
        assertThatThrownBy(() -> pulls.pull(ref("never/pushed:1"), null, RegistryCredentials.ANONYMOUS, progress))
                .isInstanceOf(BerthException.class)
                .hasMessageStartingWith("pull access denied for " + registry.address() + "/never/pushed, repository "
                        + "does not exist or may require 'docker login': ")
                .satisfies(e -> assertThat(((BerthException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }

    @Test
    void anUnknownTagOfAKnownRepositoryIsNoAccessMatter() throws IOException {
        push("known/repo", "1", 1, 1_000, "amd64", 3);
        assertThatThrownBy(() -> pulls.pull(ref("known/repo:2"), null, RegistryCredentials.ANONYMOUS, progress))
                .isInstanceOf(BerthException.class)
                .hasMessageStartingWith("manifest for " + registry.address() + "/known/repo:2 not found");
    }

    @Test
    void referenceFromQueryTakesTagOrDigest() {
        assertThat(PullService.reference("busybox", "1.36").toString()).isEqualTo("docker.io/library/busybox:1.36");
        assertThat(PullService.reference("busybox", null).toString()).isEqualTo("docker.io/library/busybox:latest");
        String hex = "a".repeat(64);
        assertThat(PullService.reference("localhost:5000/x", "sha256:" + hex).toString())
                .isEqualTo("localhost:5000/x@sha256:" + hex);
    }
}
