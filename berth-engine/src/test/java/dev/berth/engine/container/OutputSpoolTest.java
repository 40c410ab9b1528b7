package dev.berth.engine.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.sys.Libc;
import dev.berth.core.sys.ReadinessPoller;
import java.io.FileOutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputSpoolTest {
    private static final ReadinessPoller POLLER = new ReadinessPoller("test-poller");

    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    private ContainerLog log() {
        return new ContainerLog(new LogFile(dir.resolve("log.json"), new LogDrivers.Rotation(-1, 1, false)));
    }

    /** What a killed daemon's last checkpoint said: spool bytes logged, and the last entry's time. */
    private void checkpoint(long logged, Instant last) throws Exception {
        try (FileChannel checkpoint =
                FileChannel.open(dir.resolve("stdout.logged"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            checkpoint.write(ByteBuffer.allocate(20)
                    .putLong(0, logged)
                    .putLong(8, last.getEpochSecond())
                    .putInt(16, last.getNano()));
        }
    }

    private static LogEntry entry(String stream, Instant time, String text) {
        return new LogEntry(stream, time, text.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> lines(ContainerLog log) {
        List<String> out = new ArrayList<>();
        log.readAll().forEach(e -> out.add(new String(e.line(), StandardCharsets.UTF_8)));
        return out;
    }

    /** Writes {@code text} into a fifo and lets the spool copy it until the writer closes. */
    private void feed(OutputSpool spool, String text) throws Exception {
        Path fifo = dir.resolve("stdout");
        Files.deleteIfExists(fifo);
        Libc.mkfifo(fifo, 0600);
        int fd;
        try (RandomAccessFile holder = new RandomAccessFile(fifo.toFile(), "rw")) {
            fd = Libc.open(fifo, Libc.O_RDONLY, 0);
            try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
        }
        Libc.setNonBlocking(fd, fifo);
        spool.copy(fd, fifo, (stream, bytes) -> {}, POLLER);
        Libc.close(fd, fifo);
    }

    @Test
    void aWriterThatPausesHasEveryLineLoggedWhileTheCopyWaitsInThePoller() throws Exception {
        ContainerLog log = log();
        OutputSpool spool = OutputSpool.open("stdout", dir, log, clock, false);
        Path fifo = dir.resolve("stdout");
        Libc.mkfifo(fifo, 0600);
        int fd;
        FileOutputStream out;
        try (RandomAccessFile holder = new RandomAccessFile(fifo.toFile(), "rw")) {
            fd = Libc.open(fifo, Libc.O_RDONLY, 0);
            out = new FileOutputStream(fifo.toFile());
        }
        Libc.setNonBlocking(fd, fifo);
        Thread copier = Thread.ofVirtual().start(() -> spool.copy(fd, fifo, (stream, bytes) -> {}, POLLER));
        for (int i = 0; i < 3; i++) {
            Thread.sleep(50); // the fifo is empty: the copier waits
            out.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
        }
        out.close();
        copier.join();
        Libc.close(fd, fifo);
        assertThat(lines(log)).containsExactly("line 0\n", "line 1\n", "line 2\n");
    }

    @Test
    void eachLineOfTheFifoReachesTheLogOnceAndAPartialLastLineAtTheEnd() throws Exception {
        ContainerLog log = log();
        OutputSpool spool = OutputSpool.open("stdout", dir, log, clock, false);
        feed(spool, "one\ntwo\nthr");
        assertThat(lines(log)).containsExactly("one\n", "two\n", "thr");
    }

    @Test
    void aDaemonKilledAfterTheFifoAndBeforeTheLogLosesNoLineAndDuplicatesNone() throws Exception {
        ContainerLog log = log();
        log.append(entry("stdout", t0, "earlier run\n"));
        // What a killed daemon left: it moved "0\n1\n2\n3\n4" from the fifo into the spool, logged
        // "0" and saved its checkpoint, logged "1" (the kill came before the next checkpoint), and
        // never logged the rest.
        Files.writeString(dir.resolve("stdout.spool"), "0\n1\n2\n3\n4");
        log.append(entry("stdout", t0.plusSeconds(1), "0\n"));
        log.append(entry("stderr", t0.plusSeconds(2), "an error\n"));
        log.append(entry("stdout", t0.plusSeconds(3), "1\n"));
        checkpoint(2, t0.plusSeconds(1));

        OutputSpool taken = OutputSpool.open("stdout", dir, log, clock, true);
        feed(taken, "5\n6\n");

        assertThat(lines(log))
                .containsExactly("earlier run\n", "0\n", "an error\n", "1\n", "2\n", "3\n", "45\n", "6\n");
    }

    @Test
    void aRunThatEndedWhileNoDaemonRanHasTheRestOfItsSpoolLogged() throws Exception {
        ContainerLog log = log();
        Files.writeString(dir.resolve("stdout.spool"), "taken\nlast words");
        checkpoint(0, t0);

        OutputSpool.drain(dir, log, clock);

        assertThat(lines(log)).containsExactly("taken\n", "last words");
    }

    @Test
    void aNewRunStartsWithAnEmptySpool() throws Exception {
        ContainerLog log = log();
        Files.writeString(dir.resolve("stdout.spool"), "stale bytes of an earlier run\n");
        OutputSpool spool = OutputSpool.open("stdout", dir, log, clock, false);
        feed(spool, "fresh\n");
        assertThat(lines(log)).containsExactly("fresh\n");
    }

    @Test
    void linesLongerThanSixteenKibibytesAreSplitAlikeLiveAndAfterATakeOver() throws Exception {
        String longLine = "x".repeat(OutputSpool.MAX_LINE + 10) + "\n";
        ContainerLog log = log();
        Files.writeString(dir.resolve("stdout.spool"), longLine + "next\n");
        checkpoint(0, t0);
        // the killed daemon had logged the first part of the long line only
        log.append(entry("stdout", t0.plusSeconds(1), longLine.substring(0, OutputSpool.MAX_LINE)));

        OutputSpool taken = OutputSpool.open("stdout", dir, log, clock, true);
        feed(taken, "");

        assertThat(lines(log))
                .containsExactly(longLine.substring(0, OutputSpool.MAX_LINE), "x".repeat(10) + "\n", "next\n");
    }
}
