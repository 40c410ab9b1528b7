package dev.berth.build.builder;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.io.AtomicFiles;
import dev.berth.core.io.Trees;
import dev.berth.core.sys.Libc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The directories of {@code RUN --mount=type=cache}: one per cache id under
 * {@code <data-root>/builds/cache/<sha256 of the id>/data}, kept across builds and daemon
 * restarts, outside every layer and every cache key. What a cache holds is only ever an
 * optimisation (a crash mid-write leaves a cache a later step may find half-filled, which the
 * reference allows). {@code sharing=locked} runs one step at a time on a cache; {@code private}
 * gives a step that finds its cache busy a fresh directory for that step alone.
 */
final class CacheMounts {
    private final Path root;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    CacheMounts(Path dataRoot) {
        this.root = dataRoot.resolve("builds").resolve("cache");
    }

    /** A cache directory in use by one step; closing gives it back. */
    record Use(Path dir, AutoCloseable release) implements AutoCloseable {
        @Override
        public void close() {
            try {
                release.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** One cache on disk, for {@code docker system df} and prune. */
    record Entry(String hash, String id, long size, Instant lastUsed, boolean inUse) {}

    /**
     * The directory of cache {@code id}, created on first use with {@code mode}, {@code uid} and
     * {@code gid} and, when {@code seed} is given, the files there.
     */
    Use acquire(String id, String sharing, int mode, int uid, int gid, Path seed, Workspace workspace) {
        String hash = Digest.sha256(id.getBytes(StandardCharsets.UTF_8)).hex();
        ReentrantLock lock = locks.computeIfAbsent(hash, h -> new ReentrantLock());
        String how = sharing == null ? "shared" : sharing;
        if (how.equals("locked")) {
            lock.lock();
        } else if (how.equals("private")) {
            if (!lock.tryLock()) {
                Path fresh = workspace.directory("cache");
                prepare(fresh, mode, uid, gid, seed);
                return new Use(fresh, () -> {});
            }
        } else {
            lock.lock(); // held only while the directory is made: shared users run together
        }
        try {
            Path dir = root.resolve(hash);
            Path data = dir.resolve("data");
            if (!Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("id"), id);
                Path staging = dir.resolve("data.new");
                Trees.delete(staging);
                Files.createDirectory(staging);
                prepare(staging, mode, uid, gid, seed);
                AtomicFiles.moveNoReplace(staging, data, AtomicFiles.Sync.VOLATILE);
            }
            Files.setLastModifiedTime(dir, FileTime.from(Instant.now()));
            markInUse(dir, 1);
            if (how.equals("shared")) {
                lock.unlock();
                return new Use(data, () -> markInUse(dir, -1));
            }
            return new Use(data, () -> {
                markInUse(dir, -1);
                lock.unlock();
            });
        } catch (IOException e) {
            if (lock.isHeldByCurrentThread()) {
                lock.unlock();
            }
            throw new UncheckedIOException(e);
        }
    }

    private final Map<Path, Integer> users = new ConcurrentHashMap<>();

    private void markInUse(Path dir, int delta) {
        users.merge(dir, delta, (a, b) -> a + b == 0 ? null : a + b);
    }

    private static void prepare(Path dir, int mode, int uid, int gid, Path seed) {
        if (seed != null && Files.isDirectory(seed, LinkOption.NOFOLLOW_LINKS)) {
            Trees.copy(seed, dir);
        }
        Libc.chmod(dir, mode);
        Libc.lchown(dir, uid, gid);
    }

    List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                Path data = dir.resolve("data");
                if (!Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String id = Optional.of(dir.resolve("id"))
                        .filter(Files::isRegularFile)
                        .map(CacheMounts::readQuietly)
                        .orElse("");
                out.add(new Entry(
                        dir.getFileName().toString(),
                        id,
                        Trees.size(data),
                        Files.getLastModifiedTime(dir).toInstant(),
                        users.containsKey(dir)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Removes a cache that no step uses now; false when one does. */
    boolean remove(String hash) {
        Path dir = root.resolve(hash);
        ReentrantLock lock = locks.computeIfAbsent(hash, h -> new ReentrantLock());
        if (!lock.tryLock()) {
            return false;
        }
        try {
            if (users.containsKey(dir)) {
                return false;
            }
            // renamed first so that a crash halfway leaves nothing a step would take for a cache
            Path doomed = root.resolve(hash + ".removing");
            try {
                AtomicFiles.moveNoReplace(dir, doomed, AtomicFiles.Sync.VOLATILE);
            } catch (BerthException e) {
                if (e.kind() != ErrorKind.ALREADY_EXISTS) {
                    throw e;
                }
                Trees.delete(doomed); // left by a removal that crashed
                AtomicFiles.moveNoReplace(dir, doomed, AtomicFiles.Sync.VOLATILE);
            }
            Trees.delete(doomed);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
