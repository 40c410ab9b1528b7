package dev.berth.engine.distribution;

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
import dev.berth.core.reference.ImageReference;
import dev.berth.core.snapshot.VfsSnapshotter;
import dev.berth.engine.event.EventBus;
import dev.berth.engine.image.ImageServices;
import dev.berth.engine.image.ImageUsers;
import dev.berth.engine.image.ProgressListener;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pull service against a registry on 127.0.0.1 that can misbehave; no root needed. */
class PullServiceTest {
    @TempDir
    Path root;

    private FakeRegistry registry;
    private MetadataStore db;
    private LocalBlobStore blobs;
    private ImageServices images;
    private PullService pulls;
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
        VfsSnapshotter snapshots = new VfsSnapshotter(root);
        images = ImageServices.create(new ImageServices.Parts(db, blobs, snapshots,
                (tar, dir, whiteouts) -> {
                    try {
                        return tar.transferTo(OutputStream.nullOutputStream());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                },
                new EventBus(), ImageUsers.NONE, key -> root.resolve("snapshots").resolve(key).resolve("fs"),
                Clock.systemUTC()));
        pulls = new PullService(new RegistryClient(RegistrySettings.DEFAULTS), images.store());
    }

    @AfterEach
    void tearDown() {
        registry.close();
        db.close();
    }

    /** An image of {@code layerCount} gzipped layers of {@code layerBytes} random bytes, pushed as repo:tag. */
    private record Pushed(Digest id, Digest manifest, List<Digest> layers) {
    }

    private Pushed push(String repo, String tag, int layerCount, int layerBytes, String arch, long seed) throws IOException {
        Random random = new Random(seed);
        List<Descriptor> layers = new ArrayList<>();
        List<Digest> diffIds = new ArrayList<>();
        for (int i = 0; i < layerCount; i++) {
            byte[] content = new byte[layerBytes];
            random.nextBytes(content);
            byte[] tar = tar("file" + i, content);
            byte[] gz = gzip(tar);
            registry.putBlob(gz);
            layers.add(Descriptor.of(MediaTypes.DOCKER_LAYER_GZIP, Digest.sha256(gz), gz.length));
            diffIds.add(Digest.sha256(tar));
        }
        Raw<ImageConfig> config = Raw.of(new ImageConfig(arch, null, "linux", null, null, null,
                "2026-01-01T00:00:00Z", null, null, null, null, RootFs.layers(diffIds), List.of()));
        registry.putBlob(config.bytes());
        Raw<Manifest> manifest = Raw.of(Manifest.docker(Descriptor.of(MediaTypes.DOCKER_CONFIG, config.digest(),
                config.size()), layers));
        Digest m = registry.putManifest(repo, tag, MediaTypes.DOCKER_MANIFEST, manifest.bytes());
        return new Pushed(config.digest(), m, layers.stream().map(Descriptor::digest).toList());
    }

    private static byte[] tar(String name, byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(content.length);
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        }
        return bytes.toByteArray();
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
        assertThat(images.resolver().resolve(registry.address() + "/team/app:1")).isEqualTo(image.id());
        assertThat(images.resolver().resolve(registry.address() + "/team/app@" + image.manifest())).isEqualTo(image.id());
        // One token for repository:team/app:pull serves the manifest, the config and the three layers.
        assertThat(registry.tokenRequests.get()).isEqualTo(1);
        String first = image.layers().getFirst().shortHex();
        assertThat(messages).contains("1: Pulling from team/app", first + ": Pulling fs layer",
                first + ": Verifying Checksum", first + ": Download complete", first + ": Pull complete",
                "Digest: " + image.manifest(), "Status: Downloaded newer image for " + registry.address() + "/team/app:1");
        assertThat(messages.indexOf(first + ": Pull complete"))
                .isGreaterThan(messages.indexOf(first + ": Download complete"));
    }

    @Test
    void secondPullChangesNothingAndDownloadsNothing() throws IOException {
        Pushed image = push("a/b", "latest", 2, 50_000, "amd64", 2);
        pulls.pull(ref("a/b"), null, RegistryCredentials.ANONYMOUS, progress);
        int blobRequests = image.layers().stream().mapToInt(d -> registry.blobGets(d).size()).sum();
        messages.clear();

        PullService.Result again = pulls.pull(ref("a/b"), null, RegistryCredentials.ANONYMOUS, progress);

        assertThat(again.updated()).isFalse();
        assertThat(image.layers().stream().mapToInt(d -> registry.blobGets(d).size()).sum()).isEqualTo(blobRequests);
        assertThat(messages).contains("Status: Image is up to date for " + registry.address() + "/a/b:latest")
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
        List<FakeRegistry.Seen> resumed = registry.blobGets(layer).subList(before, registry.blobGets(layer).size());
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

    @Test
    void indexPullChoosesLinuxAmd64AndRecordsTheIndexDigest() throws IOException {
        Pushed arm = push("multi/arch", null, 1, 10_000, "arm64", 6);
        Pushed amd = push("multi/arch", null, 1, 10_000, "amd64", 7);
        Index index = Index.oci(List.of(
                Descriptor.of(MediaTypes.DOCKER_MANIFEST, arm.manifest(), 1).withPlatform(Platform.of("linux", "arm64")),
                Descriptor.of(MediaTypes.DOCKER_MANIFEST, amd.manifest(), 1).withPlatform(Platform.of("linux", "amd64"))));
        Digest indexDigest = registry.putManifest("multi/arch", "1", MediaTypes.OCI_INDEX, Raw.of(index).bytes());

        PullService.Result result = pulls.pull(ref("multi/arch:1"), null, RegistryCredentials.ANONYMOUS, progress);
        assertThat(result.imageId()).isEqualTo(amd.id());
        assertThat(result.repoDigest()).isEqualTo(indexDigest);

        PullService.Result arm64 = pulls.pull(ref("multi/arch:1"), "linux/arm64", RegistryCredentials.ANONYMOUS, progress);
        assertThat(arm64.imageId()).isEqualTo(arm.id());
    }

    @Test
    void dockerHubNamesArePulledThroughTheConfiguredMirror() throws IOException {
        Pushed image = push("library/busybox", "1.37", 1, 20_000, "amd64", 8);
        RegistrySettings settings = RegistrySettings.of(List.of("http://" + registry.address()), List.of(), 3, 5);
        PullService viaMirror = new PullService(new RegistryClient(settings), images.store());

        PullService.Result result = viaMirror.pull(ImageReference.parse("busybox:1.37"), null,
                RegistryCredentials.ANONYMOUS, progress);

        assertThat(result.imageId()).isEqualTo(image.id());
        assertThat(images.resolver().resolve("busybox:1.37")).isEqualTo(image.id());
        assertThat(messages).contains("Status: Downloaded newer image for busybox:1.37");
    }

    @Test
    void singlePlatformImageOfAnotherPlatformIsRefused() throws IOException {
        push("only/amd64", "1", 1, 10_000, "amd64", 9);
        assertThatThrownBy(() -> pulls.pull(ref("only/amd64:1"), "linux/arm64", RegistryCredentials.ANONYMOUS, progress))
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
    void referenceFromQueryTakesTagOrDigest() {
        assertThat(PullService.reference("busybox", "1.36").toString()).isEqualTo("docker.io/library/busybox:1.36");
        assertThat(PullService.reference("busybox", null).toString()).isEqualTo("docker.io/library/busybox:latest");
        String hex = "a".repeat(64);
        assertThat(PullService.reference("localhost:5000/x", "sha256:" + hex).toString())
                .isEqualTo("localhost:5000/x@sha256:" + hex);
    }
}
