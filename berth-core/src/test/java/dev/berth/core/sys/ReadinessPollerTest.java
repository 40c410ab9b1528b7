package dev.berth.core.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileOutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadinessPollerTest {
    @TempDir
    Path dir;

    /**
     * Far more waiting readers than carriers (a blocking read on a virtual thread holds its
     * carrier: with 2 carriers only 2 of these would ever get their bytes).
     */
    @Test
    void manyVirtualThreadsWaitOnFifosWithoutHoldingCarriers() throws Exception {
        int readers = 4 * Runtime.getRuntime().availableProcessors() + 20;
        ReadinessPoller poller = new ReadinessPoller("test-poller");
        AtomicInteger ended = new AtomicInteger();
        List<FileOutputStream> writers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < readers; i++) {
            Path fifo = dir.resolve("f" + i);
            Libc.mkfifo(fifo, 0600);
            int fd;
            try (RandomAccessFile holder = new RandomAccessFile(fifo.toFile(), "rw")) {
                fd = Libc.open(fifo, Libc.O_RDONLY, 0);
                writers.add(new FileOutputStream(fifo.toFile()));
            }
            Libc.setNonBlocking(fd, fifo);
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    // with the pipe empty the read would block: wait, then read what came
                    while (read(fd, fifo) != 0) {
                        poller.awaitReadable(fd);
                    }
                    ended.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    Libc.close(fd, fifo);
                }
            }));
        }
        TimeUnit.MILLISECONDS.sleep(100);
        for (FileOutputStream writer : writers) {
            writer.write("hello".getBytes());
            writer.close();
        }
        for (Thread thread : threads) {
            assertThat(thread.join(java.time.Duration.ofSeconds(20))).isTrue();
        }
        assertThat(ended).hasValue(readers);
    }

    /** Reads what is there: bytes read, 0 at end of file, -1 when the fifo is empty and still has a writer. */
    private static long read(int fd, Path fifo) {
        Path sink = fifo.resolveSibling(fifo.getFileName() + ".out");
        int out = Libc.open(sink, Libc.O_WRONLY | Libc.O_CREAT, 0600);
        try {
            long total = 0;
            while (true) {
                long n = Libc.spliceToFile(fd, out, total, 1 << 16, sink);
                if (n <= 0) {
                    return n == 0 ? 0 : -1;
                }
                total += n;
            }
        } finally {
            Libc.close(out, sink);
        }
    }
}
