package dev.berth.engine.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LayerFeedTest {
    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31);
        }
        return b;
    }

    @Test
    void endsOnlyAfterTheBlobIsCommitted() throws Exception {
        LayerFeed feed = new LayerFeed();
        byte[] data = bytes(1000);
        InputStream in = feed.open(() -> {
            throw new AssertionError("the stored blob is not needed");
        });
        feed.offer(data, 0, 1000);
        CompletableFuture<byte[]> all = CompletableFuture.supplyAsync(() -> {
            try {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(100);
        assertThat(all).isNotDone();
        feed.committed();
        assertThat(all.get(5, TimeUnit.SECONDS)).isEqualTo(data);
    }

    @Test
    void failsInsteadOfEndingWhenTheDownloadFails() throws Exception {
        LayerFeed feed = new LayerFeed();
        InputStream in = feed.open(() -> new ByteArrayInputStream(new byte[0]));
        feed.offer(bytes(10), 0, 10);
        feed.failed(new IllegalStateException("digest mismatch"));
        assertThat(in.readNBytes(10)).hasSize(10);
        assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("digest mismatch");
    }

    @Test
    void continuesFromTheStoredBlobAtItsOffsetAfterDetaching() throws Exception {
        LayerFeed feed = new LayerFeed();
        byte[] data = bytes(5000);
        InputStream in = feed.open(() -> new ByteArrayInputStream(data));
        feed.offer(data, 0, 1200);
        byte[] first = in.readNBytes(700);
        feed.detach(); // e.g. the queue overflowed; the rest arrives only on disk
        feed.committed();
        byte[] rest = in.readAllBytes();
        byte[] joined = new byte[first.length + rest.length];
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(rest, 0, joined, first.length, rest.length);
        assertThat(joined).isEqualTo(data);
    }

    @Test
    void detachesRatherThanHoldingMoreThanItsLimit() throws Exception {
        LayerFeed feed = new LayerFeed();
        byte[] chunk = bytes(1 << 20);
        byte[] whole = new byte[40 << 20];
        for (int i = 0; i < 40; i++) {
            feed.offer(chunk, 0, chunk.length); // never blocks, however far ahead of the reader
            System.arraycopy(chunk, 0, whole, i << 20, chunk.length);
        }
        feed.committed();
        assertThat(feed.open(() -> new ByteArrayInputStream(whole)).readAllBytes())
                .isEqualTo(whole);
    }
}
