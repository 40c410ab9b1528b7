package dev.berth.engine.container;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.engine.image.LayerStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads a file of a container's (or an image's) filesystem without mounting it: looks through
 * its snapshot directories top first (the container's upper layer, then the image's layers) and
 * stops at the first layer that has the file or a whiteout for it. Used for /etc/passwd and
 * /etc/group, and by builds to know which paths an image has.
 * A path whose directories are symlinks counts as absent: the kernel would follow such a link
 * on the host, out of the layer (an image's {@code /etc -> /} is not the host's /etc).
 */
public record LayeredFiles(List<Path> topFirst) {
    /**
     * The files of {@code top} (a container's writable layer, or null for none) over an image's
     * layers; {@code chain} is the image's layer chain, bottom first.
     */
    public static LayeredFiles of(Path top, List<Digest> chain, Function<String, Path> snapshotDir) {
        List<Path> dirs = new ArrayList<>();
        if (top != null) {
            dirs.add(top);
        }
        for (int i = chain.size() - 1; i >= 0; i--) {
            dirs.add(snapshotDir.apply(LayerStore.snapshotName(chain.get(i))));
        }
        return new LayeredFiles(dirs);
    }

    public Optional<String> read(String path) {
        Optional<Path> found = find(path).filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS));
        try {
            return found.isEmpty() ? Optional.empty() : Optional.of(Files.readString(found.get()));
        } catch (IOException e) {
            throw BerthException.unavailable("cannot read %s: %s", found.get(), e.getMessage());
        }
    }

    /** Whether the path exists in the layers (a whiteout above hides it). */
    public boolean exists(String path) {
        return find(path).isPresent();
    }

    /** Whether the path is a directory in the layers. */
    public boolean isDirectory(String path) {
        return find(path)
                .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                .isPresent();
    }

    /** The path in the top-most layer that has it; empty when none does or a whiteout above hides it. */
    public Optional<Path> find(String path) {
        String rel = path.replaceFirst("^/+", "");
        for (Path dir : topFirst) {
            Path candidate = entry(dir, rel);
            if (candidate == null) {
                return Optional.empty(); // a symlink or file here hides the lower layers' directories too
            }
            if (isWhiteout(candidate)) {
                return Optional.empty();
            }
            if (Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The image's layers only (without the container's own layer, which is first). */
    LayeredFiles withoutTop() {
        return new LayeredFiles(topFirst.subList(1, topFirst.size()));
    }

    /** {@code rel} in the layer {@code dir}, or null when one of its directories is not a real directory there. */
    private static Path entry(Path dir, String rel) {
        Path p = dir;
        String[] parts = rel.split("/");
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].isEmpty() || parts[i].equals(".") || parts[i].equals("..")) {
                continue;
            }
            p = p.resolve(parts[i]);
            if (i < parts.length - 1
                    && Files.exists(p, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
        }
        return p;
    }

    /** overlay's whiteout (a 0/0 character device) or a vfs copy without the file. */
    private static boolean isWhiteout(Path p) {
        try {
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            Object rdev = Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
            Object mode = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (((Integer) mode) & 0170000) == 0020000 && ((Long) rdev) == 0L;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
