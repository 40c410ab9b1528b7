package dev.berth.engine.container;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.berth.core.error.BerthException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A container's log, kept by its log driver (see {@link LogDrivers}): in Docker's json-file format
 * so that tools that read Docker's logs read Berth's, one JSON object a line,
 * {@code {"log":"hi\n","stream":"stdout","time":"2026-…Z"}}, the time with nanoseconds, in a
 * {@link LogFile} that rotates as the driver's options say; nothing with the none driver. Lines are
 * appended as the container writes them; followers ({@code logs -f}) get each new entry and an end
 * signal when the container's output ends. Jackson writes and reads the lines (no hand-made JSON
 * escaping).
 */
public final class ContainerLog {
    private static final JsonFactory JSON = new JsonFactory();

    /** What a follower receives: entries, then {@link #ended()} once the run's output is over. */
    public interface Follower extends Consumer<LogEntry> {
        void ended();
    }

    private final LogFile file;
    private final List<Follower> followers = new CopyOnWriteArrayList<>();
    private boolean live;

    /** {@code file} null: the none driver, which keeps nothing. */
    ContainerLog(LogFile file) {
        this.file = file;
    }

    /** The log of a container, kept by its driver. */
    static ContainerLog of(Container c, ContainerPaths paths) {
        HostSettings.LogConfig config = c.hostConfig().logConfig();
        Path path = path(c, paths);
        return new ContainerLog(path == null ? null : new LogFile(path, LogDrivers.rotation(config)));
    }

    /** Where a container's driver keeps its log (inspect's LogPath); null for none. */
    static Path path(Container c, ContainerPaths paths) {
        return switch (c.hostConfig().logConfig().type()) {
            case LogDrivers.NONE -> null;
            case LogDrivers.LOCAL -> paths.dir(c.id()).resolve("local-logs").resolve("container.log");
            default -> paths.log(c.id());
        };
    }

    /** Whether {@code docker logs} can read it (the none driver keeps nothing). */
    public boolean readable() {
        return file != null;
    }

    /** A run begins: entries will come until {@link #endRun()}. */
    public synchronized void beginRun() {
        live = true;
    }

    public synchronized void append(LogEntry entry) {
        if (file == null) {
            return;
        }
        try {
            ByteArrayOutputStream line = new ByteArrayOutputStream(entry.line().length + 80);
            try (JsonGenerator g = JSON.createGenerator(line)) {
                g.writeStartObject();
                g.writeStringField("log", new String(entry.line(), StandardCharsets.UTF_8));
                g.writeStringField("stream", entry.stream());
                g.writeStringField("time", entry.time().toString());
                g.writeEndObject();
            }
            line.write('\n');
            file.write(line.toByteArray());
        } catch (IOException e) {
            throw BerthException.unavailable("cannot write log %s: %s", file.path(), e.getMessage());
        }
        for (Follower f : followers) {
            f.accept(entry);
        }
    }

    /** The run's output is over: followers end, the file is closed until the next run. */
    public synchronized void endRun() {
        live = false;
        if (file != null) {
            file.close();
        }
        for (Follower f : followers) {
            f.ended();
        }
        followers.clear();
    }

    /**
     * The entries so far and, when {@code follow} and the container's output is live, registers
     * {@code follower} for what comes next — atomically, so no entry is missed or seen twice.
     * Returns a handle that unregisters it (null when nothing was registered).
     */
    public synchronized Runnable read(Consumer<LogEntry> existing, boolean follow, Follower follower) {
        forEach(existing);
        if (follow && live && file != null) {
            followers.add(follower);
            return () -> followers.remove(follower);
        }
        return null;
    }

    /** Every entry kept, oldest first, across rotated files. */
    /**
     * How many entries of {@code stream} the log has (in every rotated file) stamped after
     * {@code time} (see {@link OutputSpool}); none with the none driver.
     */
    synchronized int entriesAfter(Instant time, String stream) {
        int[] count = {0};
        forEach(e -> {
            if (e.stream().equals(stream) && e.time().isAfter(time)) {
                count[0]++;
            }
        });
        return count[0];
    }

    synchronized void forEach(Consumer<LogEntry> action) {
        if (file == null) {
            return;
        }
        file.forEachLine(line -> {
            LogEntry e = parse(line);
            if (e != null) {
                action.accept(e);
            }
        });
    }

    List<LogEntry> readAll() {
        List<LogEntry> entries = new ArrayList<>();
        forEach(entries::add);
        return entries;
    }

    private static LogEntry parse(String line) {
        String log = null;
        String stream = "stdout";
        Instant time = Instant.EPOCH;
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "log" -> log = p.getText();
                    case "stream" -> stream = p.getText();
                    case "time" -> time = Instant.parse(p.getText());
                    default -> p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null; // a torn last line after a crash is not an entry
        }
        return log == null ? null : new LogEntry(stream, time, log.getBytes(StandardCharsets.UTF_8));
    }
}
