package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import dev.berth.core.io.AtomicFiles;
import dev.berth.core.io.AtomicFiles.Access;
import dev.berth.core.io.AtomicFiles.Sync;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A log file of lines that rotates as moby's loggerutils.LogFile does: once the next line would
 * take the file past {@code maxSize}, {@code name} becomes {@code name.1} (gzipped to
 * {@code name.1.gz} with compress), older ones move up a number, and the one past
 * {@code maxFiles - 1} goes; with one file, the file starts again empty. Readers see every
 * file, oldest first. Not thread-safe: its owner serialises writes and reads.
 */
final class LogFile {
    /** What a container prints is its owner's (secrets too): root's alone, as Docker's json-file. */
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path file;
    private final LogDrivers.Rotation rotation;
    private OutputStream out;
    private long size;

    LogFile(Path file, LogDrivers.Rotation rotation) {
        this.file = file;
        this.rotation = rotation;
    }

    Path path() {
        return file;
    }

    /** Appends one line (with its newline), rotating first when it would not fit. */
    void write(byte[] line) throws IOException {
        if (out == null) {
            Files.createDirectories(file.getParent());
            out = Channels.newOutputStream(
                    Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND), PRIVATE));
            size = Files.size(file);
        }
        if (rotation.maxSize() >= 0 && size > 0 && size + line.length > rotation.maxSize()) {
            rotate();
        }
        out.write(line);
        out.flush();
        size += line.length;
    }

    private void rotate() throws IOException {
        close();
        if (rotation.maxFiles() > 1) {
            String gz = rotation.compress() ? ".gz" : "";
            Files.deleteIfExists(numbered(rotation.maxFiles() - 1, gz));
            for (int i = rotation.maxFiles() - 1; i > 1; i--) {
                moveIfExists(numbered(i - 1, gz), numbered(i, gz));
            }
            Path first = numbered(1, "");
            AtomicFiles.move(file, first, Sync.VOLATILE);
            if (rotation.compress()) {
                gzip(first, numbered(1, ".gz"));
            }
        }
        out = Channels.newOutputStream(Files.newByteChannel(
                file,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING),
                PRIVATE));
        size = 0;
    }

    private Path numbered(int n, String suffix) {
        return file.resolveSibling(file.getFileName() + "." + n + suffix);
    }

    private static void moveIfExists(Path from, Path to) {
        if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) { // fewer rotated files than kept so far
            AtomicFiles.move(from, to, Sync.VOLATILE);
        }
    }

    /** gzip whole or not at all, then drop the plain file: a crash leaves one of the two whole. */
    private static void gzip(Path plain, Path gz) throws IOException {
        AtomicFiles.write(gz, Access.OWNER_ONLY, Sync.VOLATILE, out -> {
            GZIPOutputStream z = new GZIPOutputStream(out);
            Files.copy(plain, z);
            z.finish();
        });
        Files.delete(plain);
    }

    /** The files that hold lines now, oldest first: {@code name.N[.gz]} … {@code name.1[.gz]}, {@code name}. */
    List<Path> files() {
        List<Path> files = new ArrayList<>();
        for (int i = Math.max(rotation.maxFiles() - 1, 1); i >= 1; i--) {
            for (String suffix : new String[] {"", ".gz"}) {
                Path p = numbered(i, suffix);
                if (Files.exists(p)) {
                    files.add(p);
                }
            }
        }
        if (Files.exists(file)) {
            files.add(file);
        }
        return files;
    }

    /** Every line of every file, oldest first (without its newline). */
    void forEachLine(Consumer<String> action) {
        for (Path p : files()) {
            try (InputStream raw = Files.newInputStream(p);
                    InputStream in = p.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    action.accept(line);
                }
            } catch (NoSuchFileException e) {
                // rotated away meanwhile
            } catch (IOException e) {
                throw BerthException.unavailable("cannot read log %s: %s", p, e.getMessage());
            }
        }
    }

    void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // every line was flushed as written
            }
            out = null;
        }
    }
}
