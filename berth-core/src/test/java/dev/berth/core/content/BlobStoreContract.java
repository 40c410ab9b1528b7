package dev.berth.core.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BlobStore} must do, whatever its mechanism (containerd's content testsuite
 * plays the same role). An implementation's test extends this and says how to make a store.
 */
public abstract class BlobStoreContract {
    protected static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);
    // printf hello | sha256sum
    protected static final Digest HELLO_SHA256 =
            Digest.parse("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    // printf hello | sha512sum
    protected static final Digest HELLO_SHA512 = Digest.parse("sha512:9b71d224bd62f3785d96d46ad3ea3d73319bfbc2"
            + "890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043");

    protected BlobStore store;

    /** A new, empty store. */
    protected abstract BlobStore newStore() throws IOException;

    /** The same store as after a daemon restart: a fresh object over the same storage. */
    protected abstract BlobStore reopen() throws IOException;

    @BeforeEach
    void createStore() throws IOException {
        store = newStore();
    }

    @Test
    void ingestedBlobCanBeReadBack() throws IOException {
        BlobInfo info = store.ingest(new ByteArrayInputStream(HELLO), HELLO_SHA256, HELLO.length);

        assertThat(info).isEqualTo(new BlobInfo(HELLO_SHA256, 5));
        assertThat(store.contains(HELLO_SHA256)).isTrue();
        assertThat(store.size(HELLO_SHA256)).contains(5L);
        try (InputStream in = store.open(HELLO_SHA256)) {
            assertThat(in.readAllBytes()).isEqualTo(HELLO);
        }
        assertThat(Files.readAllBytes(store.path(HELLO_SHA256))).isEqualTo(HELLO);
        assertThat(store.list()).containsExactly(HELLO_SHA256);
        assertThat(store.ingests()).isEmpty();
    }

    @Test
    void ingestWithoutExpectationsStoresUnderItsSha256() {
        BlobInfo info = store.ingest(new ByteArrayInputStream(HELLO), null, -1);

        assertThat(info).isEqualTo(new BlobInfo(HELLO_SHA256, 5));
        assertThat(store.contains(HELLO_SHA256)).isTrue();
    }

    @Test
    void sha512BlobsAreStoredAndFound() throws IOException {
        BlobInfo info = store.ingest(new ByteArrayInputStream(HELLO), HELLO_SHA512, 5);

        assertThat(info.digest()).isEqualTo(HELLO_SHA512);
        assertThat(store.contains(HELLO_SHA512)).isTrue();
        assertThat(store.contains(HELLO_SHA256)).isFalse();
        try (InputStream in = store.open(HELLO_SHA512)) {
            assertThat(in.readAllBytes()).isEqualTo(HELLO);
        }
        assertThat(store.list()).containsExactly(HELLO_SHA512);
    }

    @Test
    void digestMismatchLeavesNothingBehindAndNamesBothDigests() {
        Digest wrong = Digest.sha256("something else".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> store.ingest(new ByteArrayInputStream(HELLO), wrong, 5))
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.DATA_LOSS))
                .hasMessage("digest mismatch: expected " + wrong + " got " + HELLO_SHA256);
        assertThat(store.contains(wrong)).isFalse();
        assertThat(store.contains(HELLO_SHA256)).isFalse();
        assertThat(store.list()).isEmpty();
        assertThat(store.ingests()).isEmpty();
    }

    @Test
    void truncatedInputLeavesNothingBehind() {
        byte[] cut = {'h', 'e', 'l'};
        Digest seen = Digest.sha256(cut);

        assertThatThrownBy(() -> store.ingest(new ByteArrayInputStream(cut), HELLO_SHA256, 5))
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.DATA_LOSS))
                .hasMessage("size mismatch for " + HELLO_SHA256 + ": expected 5 bytes, got 3 (content digest " + seen
                        + ")");
        assertThat(store.list()).isEmpty();
        assertThat(store.ingests()).isEmpty();
    }

    @Test
    void sizeMismatchWithoutDigestIsRefused() {
        assertThatThrownBy(() -> store.ingest(new ByteArrayInputStream(HELLO), null, 6))
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.DATA_LOSS))
                .hasMessage("size mismatch for " + HELLO_SHA256 + ": expected 6 bytes, got 5");
        assertThat(store.list()).isEmpty();
    }

    @Test
    void inputThatBreaksOffLeavesNothingBehind() {
        InputStream breaking = new InputStream() {
            private int sent;

            @Override
            public int read() throws IOException {
                if (sent == 3) {
                    throw new IOException("connection reset");
                }
                return HELLO[sent++];
            }
        };

        assertThatThrownBy(() -> store.ingest(breaking, HELLO_SHA256, 5))
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.DATA_LOSS))
                .hasMessageContaining(HELLO_SHA256.toString())
                .hasMessageContaining("connection reset");
        assertThat(store.list()).isEmpty();
        assertThat(store.ingests()).isEmpty();
    }

    @Test
    void committingABlobThatExistsIsFineAndStoresItOnce() {
        store.ingest(new ByteArrayInputStream(HELLO), HELLO_SHA256, 5);
        BlobInfo again = store.ingest(new ByteArrayInputStream(HELLO), HELLO_SHA256, 5);

        assertThat(again).isEqualTo(new BlobInfo(HELLO_SHA256, 5));
        assertThat(store.list()).containsExactly(HELLO_SHA256);
        assertThat(store.ingests()).isEmpty();
    }

    @Test
    void writerResumesWhereTheBytesOnDiskEnd() throws IOException {
        try (BlobWriter writer = store.writer("pull-layer")) {
            writer.output().write(HELLO, 0, 2);
            assertThat(writer.offset()).isEqualTo(2);
        }
        assertThat(store.ingests()).containsExactly("pull-layer");

        try (BlobWriter resumed = store.writer("pull-layer")) {
            assertThat(resumed.offset()).isEqualTo(2);
            resumed.output().write(HELLO, 2, 3);
            assertThat(resumed.commit(HELLO_SHA256, 5)).isEqualTo(new BlobInfo(HELLO_SHA256, 5));
        }
        assertThat(store.ingests()).isEmpty();
        assertThat(store.contains(HELLO_SHA256)).isTrue();
    }

    @Test
    void ingestModifiedTellsWhenAPartialIngestLastGrew() throws IOException {
        java.time.Instant before = java.time.Instant.now().minusSeconds(2);
        try (BlobWriter writer = store.writer("pull-aged")) {
            writer.output().write(HELLO, 0, 2);
        }
        assertThat(store.ingestModified("pull-aged"))
                .hasValueSatisfying(t -> assertThat(t).isAfter(before));
        assertThat(store.ingestModified("no-such-ingest")).isEmpty();
    }

    @Test
    void writerResumesAfterARestart() throws IOException {
        byte[] blob = randomBytes(3 * 1024 * 1024 + 17, 1);
        Digest digest = Digest.sha256(blob);
        try (BlobWriter writer = store.writer("upload/5c8e:1")) {
            writer.output().write(blob, 0, 1_000_000);
        }

        BlobStore restarted = reopen();
        assertThat(restarted.ingests()).containsExactly("upload/5c8e:1");
        try (BlobWriter resumed = restarted.writer("upload/5c8e:1")) {
            assertThat(resumed.offset()).isEqualTo(1_000_000);
            resumed.output().write(blob, 1_000_000, blob.length - 1_000_000);
            resumed.commit(digest, blob.length);
        }
        try (InputStream in = restarted.open(digest)) {
            assertThat(in.readAllBytes()).isEqualTo(blob);
        }
    }

    @Test
    void resumedBytesCountInTheDigest() throws IOException {
        try (BlobWriter writer = store.writer("r")) {
            writer.output().write("XX".getBytes(StandardCharsets.US_ASCII));
        }
        try (BlobWriter resumed = store.writer("r")) {
            resumed.output().write("llo".getBytes(StandardCharsets.US_ASCII));
            Digest seen = Digest.sha256("XXllo".getBytes(StandardCharsets.US_ASCII));
            assertThatThrownBy(() -> resumed.commit(HELLO_SHA256, 5))
                    .hasMessage("digest mismatch: expected " + HELLO_SHA256 + " got " + seen);
        }
        assertThat(store.ingests()).isEmpty();
        assertThat(store.list()).isEmpty();
    }

    @Test
    void writerCanCommitWithoutExpectations() throws IOException {
        try (BlobWriter writer = store.writer("w")) {
            writer.output().write(HELLO);
            assertThat(writer.commit(null, -1)).isEqualTo(new BlobInfo(HELLO_SHA256, 5));
        }
        assertThat(store.contains(HELLO_SHA256)).isTrue();
    }

    @Test
    void writerVerifiesSha512() throws IOException {
        try (BlobWriter writer = store.writer("w512")) {
            writer.output().write(HELLO);
            assertThat(writer.commit(HELLO_SHA512, 5)).isEqualTo(new BlobInfo(HELLO_SHA512, 5));
        }
        assertThat(store.contains(HELLO_SHA512)).isTrue();
    }

    @Test
    void abortedIngestLeavesNothing() throws IOException {
        try (BlobWriter writer = store.writer("doomed")) {
            writer.output().write(HELLO);
            writer.abort();
        }
        assertThat(store.ingests()).isEmpty();
        assertThat(store.list()).isEmpty();
    }

    @Test
    void staleWriterCannotAbortAResumedIngest() throws IOException {
        BlobWriter stale = store.writer("ref");
        stale.output().write(HELLO, 0, 2);
        stale.close();
        try (BlobWriter resumed = store.writer("ref")) {
            stale.abort();
            resumed.output().write(HELLO, 2, 3);
            assertThat(resumed.commit(HELLO_SHA256, 5)).isEqualTo(new BlobInfo(HELLO_SHA256, 5));
        }
    }

    @Test
    void writerIsUnusableAfterCommit() throws IOException {
        try (BlobWriter writer = store.writer("once")) {
            OutputStream out = writer.output();
            out.write(HELLO);
            writer.commit(HELLO_SHA256, 5);
            assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> writer.commit(HELLO_SHA256, 5))
                    .isInstanceOfSatisfying(
                            BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
        }
    }

    @Test
    void oneRefHasOneWriterAtATime() {
        try (BlobWriter first = store.writer("shared")) {
            assertThatThrownBy(() -> store.writer("shared"))
                    .isInstanceOfSatisfying(
                            BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE))
                    .hasMessageContaining("shared");
        }
        // Released on close.
        store.writer("shared").close();
    }

    @Test
    void refsWithAnyCharactersAreKeptApart() throws IOException {
        List<String> refs = List.of("a/b", "a_b", "a%2Fb", "..", ".hidden", "sha256:abc", "üñí");
        for (String ref : refs) {
            try (BlobWriter writer = store.writer(ref)) {
                writer.output().write(ref.getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(store.ingests()).containsExactlyInAnyOrderElementsOf(refs);
        for (String ref : refs) {
            try (BlobWriter writer = store.writer(ref)) {
                assertThat(writer.offset()).isEqualTo(ref.getBytes(StandardCharsets.UTF_8).length);
                writer.abort();
            }
        }
        assertThat(store.ingests()).isEmpty();
    }

    @Test
    void missingBlobIsNotFound() {
        assertThat(store.size(HELLO_SHA256)).isEmpty();
        assertThat(store.contains(HELLO_SHA256)).isFalse();
        assertThatThrownBy(() -> store.open(HELLO_SHA256))
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessageContaining(HELLO_SHA256.toString());
        assertThatThrownBy(() -> store.path(HELLO_SHA256))
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }

    @Test
    void deleteRemovesTheBlob() {
        store.ingest(new ByteArrayInputStream(HELLO), HELLO_SHA256, 5);

        assertThat(store.delete(HELLO_SHA256)).isTrue();
        assertThat(store.contains(HELLO_SHA256)).isFalse();
        assertThat(store.delete(HELLO_SHA256)).isFalse();
        assertThat(store.list()).isEmpty();
    }

    @Test
    void listHasEveryCommittedBlob() {
        List<Digest> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] data = randomBytes(100 + i, i);
            expected.add(store.ingest(new ByteArrayInputStream(data), null, -1).digest());
        }
        assertThat(store.list()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void largeBlobStreamsThrough() throws IOException {
        byte[] data = randomBytes(32 * 1024 * 1024, 7);
        Digest digest = Digest.sha256(data);

        store.ingest(new ByteArrayInputStream(data), digest, data.length);

        try (InputStream in = store.open(digest)) {
            MessageDigest hasher = Digest.newHasher("sha256");
            byte[] buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) > 0) {
                hasher.update(buffer, 0, n);
            }
            assertThat(Digest.of("sha256", hasher.digest())).isEqualTo(digest);
        }
        assertThat(store.size(digest)).contains((long) data.length);
    }

    @Test
    void concurrentIngestsOfTheSameContentAllSucceedAndStoreItOnce() throws Exception {
        byte[] data = randomBytes(4 * 1024 * 1024, 3);
        Digest digest = Digest.sha256(data);
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<BlobInfo>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return store.ingest(new ByteArrayInputStream(data), digest, data.length);
                }));
            }
            start.countDown();
            for (Future<BlobInfo> result : results) {
                assertThat(result.get()).isEqualTo(new BlobInfo(digest, data.length));
            }
        }
        assertThat(store.list()).containsExactly(digest);
        assertThat(store.ingests()).isEmpty();
        try (InputStream in = store.open(digest)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void readersDuringCommitsSeeWholeBlobsOrNone() throws Exception {
        byte[] data = randomBytes(2 * 1024 * 1024, 5);
        Digest digest = Digest.sha256(data);
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<?> writer = pool.submit(() -> {
                for (int i = 0; i < 10; i++) {
                    store.ingest(new ByteArrayInputStream(data), digest, data.length);
                    store.delete(digest);
                }
            });
            Future<?> reader = pool.submit(() -> {
                while (!writer.isDone()) {
                    try (InputStream in = store.open(digest)) {
                        assertThat(Digest.sha256(in.readAllBytes())).isEqualTo(digest);
                    } catch (BerthException e) {
                        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    }
                }
                return null;
            });
            writer.get();
            reader.get();
        }
    }

    protected static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }
}
