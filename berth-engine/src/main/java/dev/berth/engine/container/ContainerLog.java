package dev.berth.engine.container;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.berth.core.error.BerthException;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A container's log file, in Docker's json-file format so that tools that read Docker's logs read
 * Berth's: one JSON object a line, {@code {"log":"hi\n","stream":"stdout","time":"2026-…Z"}}, the
 * time with nanoseconds. Lines are appended as the container writes them; followers
 * ({@code logs -f}) get each new entry and an end signal when the container's output ends.
 * Jackson writes and reads the lines (no hand-made JSON escaping).
 */
public final class ContainerLog {
    private static final JsonFactory JSON = new JsonFactory();

    /** What a follower receives: entries, then {@link #ended()} once the run's output is over. */
    public interface Follower extends Consumer<LogEntry> {
        void ended();
    }

    private final Path file;
    private final List<Follower> followers = new CopyOnWriteArrayList<>();
    private OutputStream out;
    private boolean live;

    public ContainerLog(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** A run begins: entries will come until {@link #endRun()}. */
    public synchronized void beginRun() {
        live = true;
    }

    public synchronized void append(LogEntry entry) {
        try {
            if (out == null) {
                // what a container prints is its owner's (secrets too): root's alone, as Docker's json-file
                out = Channels.newOutputStream(Files.newByteChannel(
                        file,
                        java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))));
            }
            ByteArrayOutputStream line = new ByteArrayOutputStream(entry.line().length + 80);
            try (JsonGenerator g = JSON.createGenerator(line)) {
                g.writeStartObject();
                g.writeStringField("log", new String(entry.line(), StandardCharsets.UTF_8));
                g.writeStringField("stream", entry.stream());
                g.writeStringField("time", entry.time().toString());
                g.writeEndObject();
            }
            line.write('\n');
            out.write(line.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw BerthException.unavailable("cannot write log %s: %s", file, e.getMessage());
        }
        for (Follower f : followers) {
            f.accept(entry);
        }
    }

    /** The run's output is over: followers end, the file is closed until the next run. */
    public synchronized void endRun() {
        live = false;
        closeFile();
        for (Follower f : followers) {
            f.ended();
        }
        followers.clear();
    }

    private void closeFile() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // appends were flushed one by one
            }
            out = null;
        }
    }

    /**
     * The entries so far and, when {@code follow} and the container's output is live, registers
     * {@code follower} for what comes next — atomically, so no entry is missed or seen twice.
     * Returns a handle that unregisters it (null when nothing was registered).
     */
    public synchronized Runnable read(Consumer<LogEntry> existing, boolean follow, Follower follower) {
        for (LogEntry e : readAll()) {
            existing.accept(e);
        }
        if (follow && live) {
            followers.add(follower);
            return () -> followers.remove(follower);
        }
        return null;
    }

    List<LogEntry> readAll() {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<LogEntry> entries = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                LogEntry e = parse(line);
                if (e != null) {
                    entries.add(e);
                }
            }
        } catch (IOException e) {
            throw BerthException.unavailable("cannot read log %s: %s", file, e.getMessage());
        }
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

    /** Removes the file (with the container). */
    public synchronized void delete() {
        closeFile();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw BerthException.unavailable("cannot remove log %s: %s", file, e.getMessage());
        }
    }
}
