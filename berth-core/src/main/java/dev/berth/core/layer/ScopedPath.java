package dev.berth.core.layer;

import dev.berth.core.sys.PathScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A path inside a container's (or image's) root filesystem, reached from the host with the
 * root's own symlinks followed as the container would see them: an absolute target starts
 * again at the root and a {@code ..} never climbs above it (moby's FollowSymlinkInScope).
 * Without this, a symlink such as {@code /data -> /} in an image would lead any host-side
 * walk of that root — {@code docker cp}, volume copy-up — into the host's own filesystem.
 *
 * <p>Each component is checked with lstat as it is walked, so the answer holds when it is
 * computed; a process inside a running container that swaps a directory for a symlink right
 * after can still race a caller that then opens the answer: such a caller uses the answer only
 * through {@link dev.berth.core.sys.InRoot}, which has the kernel resolve it again inside the
 * root. Components that do not exist are kept as written.
 */
public final class ScopedPath {
    /** As many links as Linux follows in one lookup (MAXSYMLINKS). */
    private static final int MAX_LINKS = 40;

    private ScopedPath() {}

    /**
     * {@code path} (absolute in the container; relative is taken from its root) inside {@code root},
     * every symlink on the way followed in scope, the last component too. Empty after more than
     * 40 links (a loop) or when a link cannot be read.
     */
    public static Optional<Path> resolve(Path root, String path) {
        return resolve(PathScope.TRUSTED, root, path);
    }

    /**
     * As {@link #resolve(Path, String)}, each link read through {@code scope}
     * ({@link dev.berth.core.sys.InRoot}: as the kernel finds it in the root).
     */
    public static Optional<Path> resolve(PathScope scope, Path root, String path) {
        Deque<String> todo = new ArrayDeque<>();
        push(todo, path);
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.removeFirst();
            if (part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.removeLast();
                }
                continue;
            }
            Path candidate = join(root, done).resolve(part);
            boolean link;
            try {
                link = scope.entry(candidate, Files::isSymbolicLink);
            } catch (IOException | RuntimeException e) {
                link = false; // missing, or under a non-directory: kept as written
            }
            if (!link) {
                done.add(part);
                continue;
            }
            if (++links > MAX_LINKS) {
                return Optional.empty();
            }
            String target;
            try {
                target = scope.entry(candidate, Files::readSymbolicLink).toString();
            } catch (IOException e) {
                return Optional.empty();
            }
            if (target.startsWith("/")) {
                done.clear();
            }
            push(todo, target);
        }
        return Optional.of(join(root, done));
    }

    /** Puts the components of {@code path} in front of {@code todo}, in order. */
    private static void push(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            if (!parts[i].isEmpty()) {
                todo.addFirst(parts[i]);
            }
        }
    }

    private static Path join(Path root, List<String> parts) {
        Path p = root;
        for (String s : parts) {
            p = p.resolve(s);
        }
        return p;
    }
}
