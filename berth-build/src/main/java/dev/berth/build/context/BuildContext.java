package dev.berth.build.context;

import dev.berth.core.error.BerthException;
import dev.berth.core.io.Trees;
import dev.berth.core.layer.ScopedPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The unpacked build context of one build: its Dockerfile, and its files with the ignore file's
 * patterns applied. The ignore file is {@code <Dockerfile>.dockerignore} next to the Dockerfile
 * when there is one, else {@code .dockerignore} at the root (BuildKit's rule); the docker CLI
 * applies {@code .dockerignore} before it sends the context too, other clients may not.
 *
 * @param root       the directory holding the context's files, private to the build
 * @param dockerfile the Dockerfile's text
 */
public record BuildContext(Path root, String dockerfile) {

    /**
     * Reads the Dockerfile at {@code path} (relative to the root; {@code Dockerfile}, then
     * {@code dockerfile}, by default) and removes the ignored files. Paths are resolved inside
     * the root: a symlink there never leads out of it.
     */
    public static BuildContext open(Path root, String path) {
        String name = path == null || path.isEmpty() ? "Dockerfile" : path;
        Path file = find(root, name)
                .or(() -> name.equals("Dockerfile") ? find(root, "dockerfile") : Optional.empty())
                .orElseThrow(() -> BerthException.invalid("Cannot locate specified Dockerfile: %s", name));
        String text = read(file);
        if (text.isBlank()) {
            throw BerthException.invalid("the Dockerfile (%s) cannot be empty", name);
        }
        String relative = root.relativize(file).toString();
        IgnorePatterns ignore = IgnorePatterns.NONE;
        Optional<Path> specific = find(root, relative + ".dockerignore");
        Optional<Path> ignoreFile = specific.isPresent() ? specific : find(root, ".dockerignore");
        if (ignoreFile.isPresent()) {
            ignore = IgnorePatterns.parse(read(ignoreFile.get()));
        }
        removeIgnored(root, ignore);
        return new BuildContext(root, text);
    }

    /** A regular file at {@code path} inside the root, symlinks followed inside it. */
    private static Optional<Path> find(Path root, String path) {
        return ScopedPath.resolve(root, path).filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw BerthException.invalid(
                    "cannot read %s from the build context: %s", file.getFileName(), e.getMessage());
        }
    }

    /** Deletes what the patterns ignore, walking into an ignored directory only when a {@code !} may take something back. */
    static void removeIgnored(Path root, IgnorePatterns ignore) {
        if (ignore.isEmpty()) {
            return;
        }
        walk(root, root, ignore);
    }

    private static void walk(Path root, Path dir, IgnorePatterns ignore) {
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = new ArrayList<>(list.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path child : children) {
            String rel = root.relativize(child).toString();
            boolean directory = Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS);
            if (ignore.excludes(rel)) {
                if (directory && ignore.mayIncludeBelow(rel)) {
                    walk(root, child, ignore);
                    removeIfEmptyAndIgnored(child);
                } else {
                    Trees.delete(child);
                }
            } else if (directory) {
                walk(root, child, ignore);
            }
        }
    }

    /** An ignored directory walked for exceptions goes when nothing came back from it. */
    private static void removeIfEmptyAndIgnored(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            if (list.findAny().isEmpty()) {
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
