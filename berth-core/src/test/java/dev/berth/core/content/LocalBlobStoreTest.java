package dev.berth.core.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBlobStoreTest extends BlobStoreContract {
    @TempDir
    Path dataRoot;

    private Path contentRoot() {
        return dataRoot.resolve("content");
    }

    @Override
    protected BlobStore newStore() {
        return new LocalBlobStore(contentRoot());
    }

    @Override
    protected BlobStore reopen() {
        return new LocalBlobStore(contentRoot());
    }

    @Test
    void blobsLiveInOciImageLayoutPaths() {
        store.ingest(new ByteArrayInputStream(HELLO), HELLO_SHA256, 5);
        store.ingest(new ByteArrayInputStream(HELLO), HELLO_SHA512, 5);

        assertThat(contentRoot().resolve("blobs/sha256/" + HELLO_SHA256.hex())).hasBinaryContent(HELLO);
        assertThat(contentRoot().resolve("blobs/sha512/" + HELLO_SHA512.hex())).hasBinaryContent(HELLO);
        assertThat(store.path(HELLO_SHA256)).isEqualTo(contentRoot().resolve("blobs/sha256/" + HELLO_SHA256.hex()));
    }

    @Test
    void partialIngestsLiveUnderIngestWithASafeName() throws IOException {
        try (BlobWriter writer = store.writer("pull/sha256:ab")) {
            writer.output().write(HELLO, 0, 2);
        }

        assertThat(filesUnder(contentRoot().resolve("ingest"))).containsExactly("pull%2Fsha256%3Aab");
        assertThat(contentRoot().resolve("ingest/pull%2Fsha256%3Aab")).hasBinaryContent(new byte[] {'h', 'e'});
    }

    @Test
    void failedIngestLeavesNoFileAnywhere() throws IOException {
        Digest wrong = Digest.sha256(new byte[] {0});
        assertThatThrownBy(() -> store.ingest(new ByteArrayInputStream(HELLO), wrong, 5))
                .isInstanceOf(BerthException.class);

        try (Stream<Path> all = Files.walk(contentRoot())) {
            assertThat(all.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void recommittingKeepsTheFileAlreadyInPlace() throws IOException {
        store.ingest(new ByteArrayInputStream(HELLO), HELLO_SHA256, 5);
        Object inode = Files.getAttribute(store.path(HELLO_SHA256), "unix:ino");

        store.ingest(new ByteArrayInputStream(HELLO), HELLO_SHA256, 5);

        // Readers and hard links of the first copy keep seeing the file the store serves.
        assertThat(Files.getAttribute(store.path(HELLO_SHA256), "unix:ino")).isEqualTo(inode);
    }

    @Test
    void largeWritesThatStartWritebackCommitAndAbortCleanly() throws IOException {
        byte[] chunk = new byte[1 << 20];
        java.util.Arrays.fill(chunk, (byte) 7);
        java.security.MessageDigest md = Digest.newHasher("sha256");
        try (BlobWriter writer = store.writer("big")) {
            for (int i = 0; i < 30; i++) {
                chunk[0] = (byte) i;
                writer.output().write(chunk);
                md.update(chunk);
            }
            Digest d = Digest.of("sha256", md.digest());
            assertThat(writer.commit(d, 30L << 20).size()).isEqualTo(30L << 20);
            assertThat(Files.size(store.path(d))).isEqualTo(30L << 20);
        }
        try (BlobWriter writer = store.writer("dropped")) {
            for (int i = 0; i < 20; i++) {
                writer.output().write(chunk);
            }
            writer.abort();
        }
        assertThat(store.ingests()).isEmpty();
    }

    @Test
    void strayFilesInBlobsAreNotListedAsBlobs() throws IOException {
        store.ingest(new ByteArrayInputStream(HELLO), HELLO_SHA256, 5);
        Files.writeString(contentRoot().resolve("blobs/sha256/not-a-digest"), "x");
        Files.writeString(contentRoot().resolve("ingest/%zz"), "x");

        assertThat(store.list()).containsExactly(HELLO_SHA256);
        assertThat(store.ingests()).isEmpty();
    }

    @Test
    void twoStoresOnOneRootDoNotShareAnIngest() {
        LocalBlobStore other = new LocalBlobStore(contentRoot());
        try (BlobWriter writer = store.writer("same")) {
            assertThatThrownBy(() -> other.writer("same"))
                    .isInstanceOfSatisfying(
                            BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE));
        }
        other.writer("same").close();
    }

    @Test
    void blobDeletedBehindTheStoresBackIsReportedMissing() throws IOException {
        store.ingest(new ByteArrayInputStream(HELLO), HELLO_SHA256, 5);
        Files.delete(contentRoot().resolve("blobs/sha256/" + HELLO_SHA256.hex()));

        assertThat(store.contains(HELLO_SHA256)).isFalse();
        assertThat(store.list()).isEmpty();
    }

    @Test
    void tooLongRefIsRefused() {
        assertThatThrownBy(() -> store.writer("x".repeat(300)))
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
    }

    private static List<String> filesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
