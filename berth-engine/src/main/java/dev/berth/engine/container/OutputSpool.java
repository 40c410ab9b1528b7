package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import dev.berth.core.sys.Libc;
import dev.berth.core.sys.ReadinessPoller;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream of a run's output (stdout or stderr) on its way from the container's fifo to its
 * log, so that each line the container writes reaches the log exactly once, whatever happens to
 * the daemon (issue 15). Bytes read from a pipe into the daemon's memory are lost when the daemon
 * is killed before it writes them out; so they are never read: the kernel moves them from the
 * fifo into a spool file in the run directory ({@link Libc#spliceToFile}: out of the pipe and
 * into the file in one call), and the log is written from the spool. A checkpoint beside it says
 * how far the spool is logged and the time of the last entry then (each entry of a stream is
 * stamped later than the one before, so the time names it, whatever the log driver's rotation did
 * to the files); a daemon that takes the run over after a kill counts this stream's entries
 * stamped after it (written after the checkpoint), skips as many lines of the spool, and logs the
 * rest, which the killed daemon had taken out of the fifo but not logged. The logged part of the
 * spool is punched out as it goes.
 */
final class OutputSpool {
    private static final Logger LOG = LoggerFactory.getLogger(OutputSpool.class);
    /** Docker's json-file splits longer lines into entries of this size. */
    static final int MAX_LINE = 16 * 1024;

    private static final int CHUNK = 64 * 1024;
    /** Checkpoint bytes: spool offset, epoch second, nanosecond. */
    private static final int CHECKPOINT = 20;
    /** Logged bytes freed from the spool at a time. */
    private static final long TRIM = 1 << 20;

    private final String stream;
    private final Path spool;
    private final FileChannel spoolFile;
    private final int spoolFd;
    private final FileChannel checkpoint;
    private final ContainerLog log;
    private final Clock clock;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    /** Spool offset of the first byte not logged yet (the start of {@link #line}). */
    private long logged;
    /** Spool bytes so far. */
    private long end;
    /** The time of this stream's last entry: the next one is stamped later. */
    private Instant last = Instant.EPOCH;

    private long trimmed;

    private OutputSpool(String stream, Path dir, ContainerLog log, Clock clock) throws IOException {
        this.stream = stream;
        this.spool = dir.resolve(stream + ".spool");
        this.log = log;
        this.clock = clock;
        this.spoolFile =
                FileChannel.open(spool, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.spoolFd = Libc.open(spool, Libc.O_WRONLY, 0600);
        this.checkpoint = FileChannel.open(
                dir.resolve(stream + ".logged"),
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        this.end = spoolFile.size();
    }

    /**
     * The spool of {@code stream} in {@code dir}: a new run's starts empty; a run an earlier
     * daemon started first logs what that daemon had taken from the fifo and not logged.
     */
    static OutputSpool open(String stream, Path dir, ContainerLog log, Clock clock, boolean reattached) {
        try {
            OutputSpool s = new OutputSpool(stream, dir, log, clock);
            if (!reattached || s.checkpoint.size() < CHECKPOINT) {
                s.spoolFile.truncate(0);
                s.end = 0;
                s.saveCheckpoint();
            } else {
                s.resume();
            }
            return s;
        } catch (IOException e) {
            throw BerthException.unavailable("cannot open the %s spool in %s: %s", stream, dir, e.getMessage());
        }
    }

    /** Skips the lines the log got after the checkpoint, then logs the rest of the spool. */
    private void resume() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(CHECKPOINT);
        checkpoint.read(b, 0);
        logged = b.getLong(0);
        last = Instant.ofEpochSecond(b.getLong(8), b.getInt(16));
        trimmed = logged;
        int after = log.entriesAfter(last, stream);
        long at = logged;
        for (int i = 0; i < after && at < end; i++) {
            at = lineEnd(at);
        }
        logged = at;
        if (after > 0) {
            LOG.debug("{}: {} lines were logged after the checkpoint", spool, after);
        }
        byte[] rest = read(logged, (int) Math.min(Integer.MAX_VALUE, end - logged));
        append(rest, (stream1, bytes) -> {});
    }

    /** The spool offset after the line that starts at {@code from} (its newline, or MAX_LINE bytes, or the end). */
    private long lineEnd(long from) throws IOException {
        long at = from;
        while (at < end) {
            byte[] bytes = read(at, (int) Math.min(CHUNK, end - at));
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n' || at + i - from + 1 >= MAX_LINE) {
                    return at + i + 1;
                }
            }
            at += bytes.length;
        }
        return end;
    }

    /**
     * Moves the fifo's bytes into the spool and logs them until the fifo's writers are all gone;
     * attached clients get each chunk as it comes. The fifo is non-blocking: while it is empty
     * the thread waits in {@code poller}. Closes the spool at the end.
     */
    void copy(int fifoFd, Path fifo, ContainerIo.Sink sink, ReadinessPoller poller) {
        try {
            while (true) {
                long n = Libc.spliceToFile(fifoFd, spoolFd, end, CHUNK, spool);
                if (n < 0) {
                    poller.awaitReadable(fifoFd);
                    continue;
                }
                if (n == 0) {
                    break;
                }
                byte[] chunk = read(end, (int) n);
                end += n;
                append(chunk, sink);
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            LOG.debug("{}: output ends: {}", fifo, e.getMessage());
        } finally {
            finish();
        }
    }

    /** The output is over: a last line without a newline is logged too. */
    private void finish() {
        if (line.size() > 0) {
            log.append(new LogEntry(stream, stamp(), line.toByteArray()));
            line.reset();
        }
        close();
    }

    private void append(byte[] chunk, ContainerIo.Sink sink) throws IOException {
        if (chunk.length == 0) {
            return;
        }
        sink.chunk(stream, chunk);
        boolean appended = false;
        int start = 0;
        for (int i = 0; i < chunk.length; i++) {
            if (chunk[i] == '\n' || line.size() + (i - start) + 1 >= MAX_LINE) {
                line.write(chunk, start, i - start + 1);
                logged += line.size();
                log.append(new LogEntry(stream, stamp(), line.toByteArray()));
                appended = true;
                line.reset();
                start = i + 1;
            }
        }
        line.write(chunk, start, chunk.length - start);
        if (appended) {
            saveCheckpoint();
            if (logged - trimmed >= TRIM) {
                trim();
            }
        }
    }

    /** Now, or just after the last entry when the clock has not moved on (or went back). */
    private Instant stamp() {
        Instant now = clock.instant();
        last = now.isAfter(last) ? now : last.plusNanos(1);
        return last;
    }

    /** One small write, which a kill cannot tear: the spool offset logged, and the last entry's time. */
    private void saveCheckpoint() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(CHECKPOINT)
                .putLong(0, logged)
                .putLong(8, last.getEpochSecond())
                .putInt(16, last.getNano());
        checkpoint.write(b, 0);
    }

    private void trim() {
        long upTo = logged & ~4095L;
        try {
            Libc.punchHole(spoolFd, trimmed, upTo - trimmed, spool);
            trimmed = upTo;
        } catch (BerthException e) {
            // a filesystem without holes: the spool keeps growing until the run ends
            LOG.debug("{}: {}", spool, e.getMessage());
            trimmed = Long.MAX_VALUE;
        }
    }

    private byte[] read(long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (spoolFile.read(b, position + b.position()) < 0) {
                break;
            }
        }
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private void close() {
        try {
            spoolFile.close();
            checkpoint.close();
        } catch (IOException ignored) {
            // the run directory goes with the run
        }
        Libc.close(spoolFd, spool);
    }

    /**
     * Logs what a killed daemon had taken from the fifos of a run that ended while no daemon ran
     * (its shim is gone): the spools' unlogged lines, and a last partial one.
     */
    static void drain(Path dir, ContainerLog log, Clock clock) {
        for (String stream : new String[] {"stdout", "stderr"}) {
            if (Files.exists(dir.resolve(stream + ".spool"))) {
                open(stream, dir, log, clock, true).finish();
            }
        }
    }

    /** Removes a finished run's spools (with its fifos). */
    static void delete(Path dir, String stream) {
        for (String suffix : new String[] {".spool", ".logged"}) {
            try {
                Files.deleteIfExists(dir.resolve(stream + suffix));
            } catch (IOException ignored) {
                // the run directory goes with the container
            }
        }
    }
}
