package dev.berth.core.snapshot;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.io.AtomicFiles;
import dev.berth.core.io.AtomicFiles.Sync;
import dev.berth.core.io.Trees;
import dev.berth.core.sys.Libc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The on-disk layout both snapshotters share, {@code <data-root>/snapshots/}:
 * <pre>
 *   &lt;name&gt;/fs        the snapshot's files (a layer, or a container's upper / full copy)
 *   &lt;name&gt;/work      overlay's workdir (overlay only)
 *   &lt;name&gt;/parent    the parent's name, when it has one
 *   &lt;name&gt;/link      overlay's short link name (in l/)
 *   &lt;name&gt;/active    present while the snapshot is active (writable, not committed)
 *   l/&lt;short&gt;        overlay: symlink to ../&lt;name&gt;/fs, keeps long lowerdir chains in one page
 *   .tmp-*          being prepared or removed; garbage after a crash
 * </pre>
 * Parents are kept in a small file per snapshot, written and fsynced before the snapshot appears
 * under its name, so the snapshotter can rebuild a lowerdir chain from disk alone; the metadata
 * database (which records layers by chain ID) does not have to pass them in.
 *
 * <p>Every change appears by one rename: prepare fills {@code .tmp-*} and renames it to the key;
 * commit removes the {@code active} marker and renames key to name — after syncfs, so a crash
 * never leaves a half-written layer under a committed name; remove renames to {@code .tmp-*}
 * before deleting.
 */
final class SnapshotDirs {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern TMP_NAME = Pattern.compile("\\.tmp-[A-Za-z0-9-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String TMP_PREFIX = ".tmp-";
    static final String LINKS = "l";

    private final Path root;

    SnapshotDirs(Path dataRoot) {
        this.root = dataRoot.toAbsolutePath().normalize().resolve("snapshots");
        try {
            Files.createDirectories(root);
            Files.createDirectories(root.resolve(LINKS));
            // ext4 without a journal (as on the build bench's machine) skips, inode by inode, every
            // inode freed in the last 30 s when it allocates one (recently_deleted(): the inode
            // table block with the deletion may not be on disk yet). Snapshots made next to the one
            // just removed land in its block group: 10,000 files written right after 10,000 were
            // removed there (a build's RUN after the last build's layer went) cost 2.1-3.7 s of
            // system time in that scan, 0.5-0.7 s with this flag, which gives each new snapshot
            // directory a group of its own choosing (Orlov), away from the freed inodes.
            Libc.spreadSubdirectories(root);
        } catch (IOException e) {
            throw BerthException.internal("creating " + root + ": " + e.getMessage(), e);
        }
    }

    Path root() {
        return root;
    }

    Path dir(String name) {
        return root.resolve(checkName(name));
    }

    Path fs(String name) {
        return dir(name).resolve("fs");
    }

    static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.equals(LINKS)) {
            throw BerthException.invalid("invalid snapshot name %s", name);
        }
        return name;
    }

    boolean exists(String name) {
        Path d = dir(name);
        return Files.isDirectory(d.resolve("fs"), LinkOption.NOFOLLOW_LINKS) && !Files.exists(d.resolve("active"));
    }

    boolean isActive(String key) {
        return Files.exists(dir(key).resolve("active"), LinkOption.NOFOLLOW_LINKS);
    }

    void requireExisting(String key) {
        if (!Files.isDirectory(dir(key).resolve("fs"), LinkOption.NOFOLLOW_LINKS)) {
            throw BerthException.notFound("snapshot %s not found", key);
        }
    }

    /** The parent's name, or null for a base snapshot. */
    String parentOf(String name) {
        Path p = dir(name).resolve("parent");
        try {
            return Files.readString(p, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw BerthException.internal("reading " + p + ": " + e.getMessage(), e);
        }
    }

    /** Names from {@code name}'s parent down to the base, nearest first. */
    List<String> ancestors(String name) {
        List<String> chain = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String p = parentOf(name); p != null; p = parentOf(p)) {
            if (!seen.add(p)) {
                throw new BerthException(ErrorKind.DATA_LOSS, "snapshot parents form a cycle at " + p);
            }
            if (!exists(p)) {
                throw new BerthException(
                        ErrorKind.DATA_LOSS,
                        "snapshot " + name + " needs parent " + p + ", which is missing at " + dir(p));
            }
            chain.add(p);
        }
        return chain;
    }

    /**
     * Creates active snapshot {@code key}: {@code fill} gets the staging directory (with
     * {@code fs/} made) and may add to it; then the parent file is fsynced, the directory too (which makes the empty marker durable), and the whole
     * renamed into place. Returns the fs directory. {@code parentMustExist}: false where the
     * parent is needed only when the snapshot is mounted (see {@link Snapshotter#prepare}).
     */
    Path prepare(String key, String parent, boolean parentMustExist, Consumer<Path> fill) {
        checkName(key);
        if (parent != null) {
            checkName(parent);
        }
        if (parent != null && parentMustExist && !exists(parent)) {
            throw BerthException.notFound("parent snapshot %s not found", parent);
        }
        if (Files.exists(dir(key), LinkOption.NOFOLLOW_LINKS)) {
            throw BerthException.alreadyExists("snapshot %s already exists", key);
        }
        Path staging = root.resolve(TMP_PREFIX + randomId(12));
        try {
            Files.createDirectory(staging);
            Libc.mkdir(staging.resolve("fs"), 0755);
            Libc.chmod(staging.resolve("fs"), 0755);
            fill.accept(staging);
            if (parent != null) {
                writeSynced(staging.resolve("parent"), parent);
            }
            // an empty marker has no data to sync: the directory's fsync makes it durable
            Files.createFile(staging.resolve("active"));
            AtomicFiles.fsyncDirectory(staging);
            AtomicFiles.moveNoReplace(staging, dir(key), Sync.DURABLE);
        } catch (IOException | RuntimeException e) {
            Trees.delete(staging);
            throw e instanceof BerthException b
                    ? b
                    : BerthException.internal("preparing snapshot " + key + ": " + e.getMessage(), e);
        }
        return fs(key);
    }

    /** Commits active {@code key} as {@code name}; {@code beforeRename} runs on key's directory first. */
    void commit(String key, String name, Consumer<Path> beforeRename) {
        checkName(name);
        requireExisting(key);
        if (!isActive(key)) {
            throw BerthException.conflict("snapshot %s is already committed", key);
        }
        if (Files.exists(dir(name), LinkOption.NOFOLLOW_LINKS)) {
            throw BerthException.alreadyExists("snapshot %s already exists", name);
        }
        Path d = dir(key);
        Libc.syncfs(d);
        beforeRename.accept(d);
        try {
            Files.delete(d.resolve("active"));
            AtomicFiles.fsyncDirectory(d);
            // a racing commit of the same name loses here: ALREADY_EXISTS
            AtomicFiles.moveNoReplace(d, dir(name), Sync.DURABLE);
        } catch (IOException | RuntimeException e) {
            restoreActive(d);
            if (e instanceof BerthException b && b.kind() == ErrorKind.ALREADY_EXISTS) {
                throw BerthException.alreadyExists("snapshot %s already exists", name);
            }
            throw e instanceof BerthException b
                    ? b
                    : BerthException.internal("committing snapshot " + key + " as " + name + ": " + e.getMessage(), e);
        }
    }

    private static void restoreActive(Path d) {
        try {
            Files.writeString(d.resolve("active"), "");
        } catch (IOException ignored) {
            // the key stays without marker; garbage collection still sees it as unreferenced
        }
    }

    /**
     * Names of snapshots whose parent is {@code name}: one parent file read per snapshot, not
     * {@link #list()}'s walk up every chain to sort by depth (which made each docker rm read
     * O(snapshots x depth) files).
     */
    List<String> children(String name) {
        List<String> children = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String other = p.getFileName().toString();
                if (!other.startsWith(TMP_PREFIX) && !other.equals(LINKS) && name.equals(parentOf(other))) {
                    children.add(other);
                }
            }
        } catch (IOException e) {
            throw BerthException.internal("listing " + root + ": " + e.getMessage(), e);
        }
        children.sort(null);
        return children;
    }

    /** Hides {@code key} by renaming, then deletes it; {@code beforeDelete} can drop side entries (links). */
    void remove(String key, Consumer<Path> beforeDelete) {
        boolean garbage = TMP_NAME.matcher(key).matches();
        Path d = garbage ? root.resolve(key) : dir(key);
        if (!Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!garbage) {
            List<String> children = children(key);
            if (!children.isEmpty()) {
                throw BerthException.conflict("snapshot %s is the parent of %s", key, String.join(", ", children));
            }
        }
        beforeDelete.accept(d);
        Path doomed = garbage ? d : root.resolve(TMP_PREFIX + randomId(12));
        if (!doomed.equals(d)) {
            AtomicFiles.moveNoReplace(d, doomed, Sync.VOLATILE);
        }
        Trees.delete(doomed);
    }

    /**
     * Everything under snapshots/, in an order safe for removal: {@code .tmp-*} garbage first,
     * then deeper snapshots before their parents (by depth, then name), so that removing in list
     * order never meets a parent that still has children.
     */
    List<String> list() {
        List<String> names;
        try (Stream<Path> s = Files.list(root)) {
            names = s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(LINKS))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw BerthException.internal("listing " + root + ": " + e.getMessage(), e);
        }
        Map<String, Integer> depth = new java.util.HashMap<>();
        for (String name : names) {
            depth.put(name, depthOf(name));
        }
        return names.stream()
                .sorted(java.util.Comparator.<String>comparingInt(
                                n -> n.startsWith(TMP_PREFIX) ? Integer.MIN_VALUE : -depth.get(n))
                        .thenComparing(java.util.Comparator.naturalOrder()))
                .toList();
    }

    private int depthOf(String name) {
        if (!NAME.matcher(name).matches()) {
            return 0;
        }
        int depth = 0;
        Set<String> seen = new HashSet<>();
        for (String p = parentOf(name); p != null && NAME.matcher(p).matches() && seen.add(p); p = parentOf(p)) {
            depth++;
        }
        return depth;
    }

    /** Bytes of the snapshot's own fs directory (allocated blocks, hard links once). */
    long usage(String key) {
        requireExisting(key);
        Set<Object> inodes = new HashSet<>();
        long[] total = {0};
        try {
            Files.walkFileTree(fs(key), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Map<String, Object> a =
                            Files.readAttributes(file, "unix:ino,nlink,size", LinkOption.NOFOLLOW_LINKS);
                    if ((int) a.get("nlink") <= 1 || inodes.add(a.get("ino"))) {
                        total[0] += (long) a.get("size");
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw BerthException.internal("measuring " + fs(key) + ": " + e.getMessage(), e);
        }
        return total[0];
    }

    static void writeSynced(Path file, String content) {
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw BerthException.internal("writing " + file + ": " + e.getMessage(), e);
        }
        Libc.fsync(file);
    }

    static String randomId(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"; // base32, as Docker's l/ names
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
