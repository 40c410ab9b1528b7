package dev.berth.build.builder;

import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Streams what one side writes to what the other reads, without a file between them: a COPY's
 * files written as a tar are unpacked at the destination as they come.
 */
final class TarPipe {
    private static final int BUFFER = 1024 * 1024;

    private TarPipe() {}

    static void run(Consumer<OutputStream> writer, Consumer<InputStream> reader) {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        try (PipedInputStream in = new PipedInputStream(BUFFER)) {
            PipedOutputStream out = new PipedOutputStream(in);
            Thread producer = Thread.ofVirtual().name("build-tar").start(() -> {
                try (out) {
                    writer.accept(out);
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            try {
                reader.accept(in);
            } finally {
                in.close(); // a reader that stopped early ends the writer too
                join(producer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Throwable t = failed.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BerthException.unavailable("Build cancelled");
        }
    }
}
