package dev.berth.engine.image;

import dev.berth.core.error.BerthException;
import dev.berth.core.snapshot.MountSpec;
import dev.berth.core.snapshot.Snapshotter;
import dev.berth.core.snapshot.WhiteoutMode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A minimal copying snapshotter for the image services' unit tests (the real vfs and overlay
 * snapshotters have their own contract tests): {@code <root>/<name>/fs}, a child starts as a
 * copy of its parent, commit is a rename.
 */
final class CopyingSnapshotter implements Snapshotter {
    private final Path root;

    CopyingSnapshotter(Path root) {
        this.root = root;
    }

    @Override
    public Path directory(String name) {
        return root.resolve(name).resolve("fs");
    }

    @Override
    public String driver() {
        return "vfs";
    }

    @Override
    public WhiteoutMode whiteoutMode() {
        return WhiteoutMode.APPLY;
    }

    @Override
    public Path prepare(String key, String parent) {
        try {
            Path dir = directory(key);
            Files.createDirectories(dir);
            if (parent != null) {
                Path from = directory(parent);
                try (Stream<Path> walk = Files.walk(from)) {
                    for (Path p : walk.toList()) {
                        Path to = dir.resolve(from.relativize(p).toString());
                        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                            Files.createDirectories(to);
                        } else {
                            Files.copy(p, to, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
                        }
                    }
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void commit(String key, String name) {
        if (exists(name)) {
            throw BerthException.alreadyExists("snapshot %s exists", name);
        }
        try {
            Files.move(root.resolve(key), root.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean exists(String name) {
        return Files.isDirectory(root.resolve(name));
    }

    @Override
    public List<MountSpec> mounts(String key) {
        return List.of(new MountSpec("bind", directory(key).toString(), List.of("rbind")));
    }

    @Override
    public dev.berth.core.layer.LayerDigest diff(String key, OutputStream layerTar, java.time.Instant clampMtimes) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void remove(String key) {
        Path dir = root.resolve(key);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<String> list() {
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long usage(String key) {
        try (Stream<Path> walk = Files.walk(directory(key))) {
            return walk.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
