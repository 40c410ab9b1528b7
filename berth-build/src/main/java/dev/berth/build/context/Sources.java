package dev.berth.build.context;

import dev.berth.core.error.BerthException;
import dev.berth.core.layer.ScopedPath;
import dev.berth.core.text.Glob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What a COPY or ADD source names under a root (the build context, or a stage's or image's
 * files): a path, or a pattern with Go's {@code filepath.Match} wildcards in any component (and
 * {@code **}, any number of directories, for {@code --parents}). A leading {@code /} and any
 * {@code ..} stay inside the root, as BuildKit cleans them; every match is resolved inside the
 * root, its symlinks followed as the root's own (a link to {@code /etc/shadow} in a context names
 * the context's {@code etc/shadow}, never the host's).
 */
public final class Sources {
    private Sources() {}

    /** One match: where it is, and its path relative to the root. */
    public record Match(Path path, String relative) {}

    /**
     * The matches of {@code source} under {@code root}, sorted; NOT_FOUND when a plain path does
     * not exist. A pattern that matches nothing gives an empty list.
     */
    public static List<Match> select(Path root, String source) {
        String relative = clean(source);
        if (relative.isEmpty()) {
            return List.of(new Match(root, ""));
        }
        if (!Glob.hasWildcard(relative)) {
            Path resolved = ScopedPath.resolve(root, relative)
                    .filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS))
                    .orElseThrow(() -> BerthException.notFound(
                            "file not found in build context or excluded by .dockerignore: stat %s: file does not exist",
                            source));
            return List.of(new Match(resolved, relative));
        }
        List<String> found = new ArrayList<>();
        if (relative.contains("**")) {
            Predicate<String> test = IgnorePatterns.compile(relative);
            walkAll(root, "", test, found);
        } else {
            walkComponents(root, "", relative.split("/"), 0, found);
        }
        found.sort(Comparator.naturalOrder());
        List<Match> out = new ArrayList<>();
        for (String rel : found) {
            ScopedPath.resolve(root, rel).ifPresent(p -> out.add(new Match(p, rel)));
        }
        return out;
    }

    /** A source path relative to the root: no leading {@code /}, no {@code .} or {@code ..}, no trailing {@code /}. */
    public static String clean(String source) {
        String c = Path.of("/" + source).normalize().toString();
        return c.equals("/") ? "" : c.substring(1);
    }

    private static void walkComponents(Path dir, String prefix, String[] parts, int index, List<String> found) {
        String part = parts[index];
        boolean last = index == parts.length - 1;
        for (Path child : children(dir)) {
            String name = child.getFileName().toString();
            boolean match = Glob.hasWildcard(part)
                    ? Glob.matchesStrict(part, name)
                    : unescape(part).equals(name);
            if (!match) {
                continue;
            }
            if (last) {
                found.add(prefix + name);
            } else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                walkComponents(child, prefix + name + "/", parts, index + 1, found);
            }
        }
    }

    private static void walkAll(Path dir, String prefix, Predicate<String> test, List<String> found) {
        for (Path child : children(dir)) {
            String rel = prefix + child.getFileName();
            if (test.test(rel)) {
                found.add(rel);
            } else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                walkAll(child, rel + "/", test, found);
            }
        }
    }

    private static String unescape(String part) {
        return part.replaceAll("\\\\(.)", "$1");
    }

    private static List<Path> children(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
