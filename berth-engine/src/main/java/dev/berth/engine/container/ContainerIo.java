package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import dev.berth.core.sys.Libc;
import dev.berth.core.sys.ReadinessPoller;
import dev.berth.runtime.Stdio;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The stdio of one run: fifos in the run directory that the shim opens (stdin only with
 * OpenStdin; no stderr with a TTY, which merges it). Two threads read stdout and stderr,
 * hand raw chunks to attached clients and whole lines to the log; the run's output is over when
 * both reach end of file (every writer in the container is gone).
 */
final class ContainerIo {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ContainerIo.class);

    private final Path stdinFifo;
    private final Path stdoutFifo;
    private final Path stderrFifo;
    private final OutputStream stdin;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private final boolean reattached;

    private volatile Runnable stdinClosed = () -> {};

    private ContainerIo(Path stdinFifo, Path stdoutFifo, Path stderrFifo, OutputStream stdin, boolean reattached) {
        this.stdinFifo = stdinFifo;
        this.stdoutFifo = stdoutFifo;
        this.stderrFifo = stderrFifo;
        this.stdin = stdin == null ? null : new StdinStream(stdin);
        this.reattached = reattached;
    }

    /**
     * What to do once this end of stdin is closed: tell the supervisor, which holds a write end
     * of its own so that the container's stdin outlives a daemon crash, to let go of it too.
     */
    void onStdinClosed(Runnable action) {
        this.stdinClosed = action;
    }

    /** The daemon's end of the stdin fifo; closing it (once) ends the container's stdin. */
    private final class StdinStream extends java.io.FilterOutputStream {
        private boolean closed;

        StdinStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            try {
                out.close();
            } finally {
                stdinClosed.run();
            }
        }
    }

    /**
     * The stdio of a run that an earlier daemon started, after that daemon was killed. The fifos
     * outlive it: they live in the exec root, and the container itself holds them open (the shim
     * opens stdout and stderr read-write and hands them to the container; with a TTY the shim
     * holds them), so a dead reader neither raises SIGPIPE nor loses what was written: the bytes
     * wait in the pipe (the shim enlarges it to 1 MB) until this daemon reads them, and a writer
     * blocks only once that is full. Stdin stayed open too (the shim holds a write end until told
     * "closestdin", which a reattached daemon sends through the shim's control fifo), so it is
     * opened again for attach.
     */
    static ContainerIo reopen(Path dir, String prefix, boolean tty) {
        Path in = dir.resolve(prefix + "stdin");
        Path out = dir.resolve(prefix + "stdout");
        Path err = tty ? null : dir.resolve(prefix + "stderr");
        OutputStream stdin = null;
        if (Files.exists(in)) {
            try {
                stdin = new FileOutputStream(new RandomAccessFile(in.toFile(), "rw").getFD());
            } catch (IOException e) {
                LOG.warn("cannot open {} again: {}", in, e.getMessage());
            }
        }
        return new ContainerIo(
                stdin == null ? null : in,
                Files.exists(out) ? out : null,
                err != null && Files.exists(err) ? err : null,
                stdin,
                true);
    }

    /**
     * Makes the fifos. The stdin fifo is opened here, read-write, so that the shim's read-only
     * open finds a writer and the container sees end of file exactly when this end is closed.
     */
    static ContainerIo prepare(Path dir, String prefix, boolean openStdin, boolean tty) {
        ContainerPaths.ensure(dir);
        Path in = openStdin ? fifo(dir.resolve(prefix + "stdin")) : null;
        Path out = fifo(dir.resolve(prefix + "stdout"));
        Path err = tty ? null : fifo(dir.resolve(prefix + "stderr"));
        OutputStream stdin = null;
        if (in != null) {
            try {
                stdin = new FileOutputStream(new RandomAccessFile(in.toFile(), "rw").getFD());
            } catch (IOException e) {
                throw BerthException.unavailable("cannot open %s: %s", in, e.getMessage());
            }
        }
        return new ContainerIo(in, out, err, stdin, false);
    }

    private static Path fifo(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw BerthException.unavailable("cannot remove %s: %s", path, e.getMessage());
        }
        Libc.mkfifo(path, 0600);
        return path;
    }

    Stdio stdio() {
        return new Stdio(stdinFifo, stdoutFifo, stderrFifo);
    }

    /** The write end of the container's stdin, or null. */
    OutputStream stdin() {
        return stdin;
    }

    void closeStdin() {
        if (stdin != null) {
            AttachHub.closeQuietly(stdin);
        }
    }

    /**
     * Starts copying once the shim holds the fifos (so opening them for reading does not block).
     * {@code sink} gets raw chunks; {@code log} (may be null: an exec's output is not logged) gets
     * every line once, through an {@link OutputSpool}.
     */
    void startCopying(Sink sink, ContainerLog log, Clock clock) {
        List<CompletableFuture<Void>> copiers = new ArrayList<>();
        if (stdoutFifo != null) {
            copiers.add(log == null ? copy(stdoutFifo, "stdout", sink) : spool(stdoutFifo, "stdout", sink, log, clock));
        }
        if (stderrFifo != null) {
            copiers.add(log == null ? copy(stderrFifo, "stderr", sink) : spool(stderrFifo, "stderr", sink, log, clock));
        }
        CompletableFuture.allOf(copiers.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> done.complete(null));
    }

    /** Completes when stdout and stderr reached end of file. */
    CompletableFuture<Void> done() {
        return done;
    }

    /** Removes the fifos and spools (the run is over). */
    void delete() {
        closeStdin();
        for (Path p : new Path[] {stdinFifo, stdoutFifo, stderrFifo}) {
            if (p != null) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // the run directory goes with the container
                }
            }
        }
        for (Path p : new Path[] {stdoutFifo, stderrFifo}) {
            if (p != null) {
                OutputSpool.delete(p.getParent(), p.getFileName().toString());
            }
        }
    }

    interface Sink {
        void chunk(String stream, byte[] bytes);
    }

    /**
     * Opens the fifo for reading. Opened here, while the shim (which waits to be released) holds
     * the write end: opened later, after a fast process has ended, the read-only open would wait
     * for a writer forever. A reattached run's writers may be gone by now: a read-write handle held
     * during the open keeps it from waiting, and closing it leaves end of file to the container's
     * writers.
     */
    private int openForReading(Path fifo) {
        int writer = reattached ? Libc.open(fifo, Libc.O_RDWR, 0) : -1;
        try {
            return Libc.open(fifo, Libc.O_RDONLY, 0);
        } finally {
            if (writer >= 0) {
                Libc.close(writer, fifo);
            }
        }
    }

    /**
     * The one poller of the daemon's logged streams: a running container's stdout and stderr wait
     * in it on virtual threads (see ReadinessPoller for why not on threads of their own). Started
     * with the first container.
     */
    private static final class Poller {
        static final ReadinessPoller INSTANCE = new ReadinessPoller("berth-stdio-poller");
    }

    /** A logged stream: the fifo's bytes go through a spool, each line into the log once. */
    private CompletableFuture<Void> spool(Path fifo, String stream, Sink sink, ContainerLog log, Clock clock) {
        CompletableFuture<Void> finished = new CompletableFuture<>();
        int fd = openForReading(fifo);
        OutputSpool spool;
        try {
            spool = OutputSpool.open(stream, fifo.getParent(), log, clock, reattached);
        } catch (RuntimeException e) {
            Libc.close(fd, fifo);
            throw e;
        }
        try {
            Libc.setNonBlocking(fd, fifo);
        } catch (RuntimeException e) {
            Libc.close(fd, fifo);
            throw e;
        }
        Thread.ofVirtual().name("io-" + fifo.getFileName()).start(() -> {
            try {
                spool.copy(fd, fifo, sink, Poller.INSTANCE);
            } finally {
                Libc.close(fd, fifo);
                finished.complete(null);
            }
        });
        return finished;
    }

    /** An unlogged stream (an exec's): chunks to {@code sink} until the writers are gone. */
    private CompletableFuture<Void> copy(Path fifo, String stream, Sink sink) {
        CompletableFuture<Void> finished = new CompletableFuture<>();
        InputStream opened;
        try {
            // opened now, while the shim holds the write end (see openForReading)
            opened = new FileInputStream(fifo.toFile());
        } catch (IOException e) {
            throw BerthException.unavailable("cannot open %s: %s", fifo, e.getMessage());
        }
        Thread.ofPlatform().daemon().name("io-" + fifo.getFileName()).start(() -> {
            try (InputStream in = opened) {
                byte[] buf = new byte[32 * 1024];
                for (int n; (n = in.read(buf)) > 0; ) {
                    sink.chunk(stream, java.util.Arrays.copyOf(buf, n));
                }
            } catch (IOException e) {
                // the fifo went away: the run is over
            } finally {
                finished.complete(null);
            }
        });
        return finished;
    }
}
