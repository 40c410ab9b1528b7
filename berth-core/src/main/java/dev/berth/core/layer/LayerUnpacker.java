package dev.berth.core.layer;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.io.Compression;
import dev.berth.core.io.Trees;
import dev.berth.core.sys.Errno;
import dev.berth.core.sys.Libc;
import dev.berth.core.sys.PathScope;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpacks a layer tar (gzip, zstd, bzip2 or plain, by magic bytes) into a directory, computing
 * the diff ID (sha256 of the uncompressed tar) while streaming.
 *
 * <h2>Staying inside the root</h2>
 * Entry names are cleaned lexically first: a leading {@code /} is dropped (Docker treats names as
 * relative to the root), {@code .} and empty parts go, and a {@code ..} that would climb above
 * the root refuses the layer. The parent directories of every entry are then resolved one
 * component at a time with lstat, from the root down, never letting the kernel follow a link:
 * <ul>
 *   <li>a missing component is created as a directory (0755, as Docker does);</li>
 *   <li>a symlink that an earlier entry of this layer planted refuses the layer — a tar made
 *       from a filesystem never holds a path below one of its own symlinks, so such an entry
 *       exists only to write somewhere else (in OVERLAY mode every symlink in the fresh upper
 *       directory was planted by this layer);</li>
 *   <li>a symlink from a lower layer (APPLY mode: the directory is a copy of the parent tree,
 *       e.g. Debian's {@code var/run -> /run}) is followed inside the root, as the container
 *       will see it: an absolute target starts again at the root, and a {@code ..} above the
 *       root refuses the layer;</li>
 *   <li>anything else that is not a directory refuses the layer.</li>
 * </ul>
 * The last component is never followed either: files are created with
 * {@code O_CREAT|O_EXCL|O_NOFOLLOW}, and whatever already sits at the name (a symlink, a file,
 * a directory when the entry is not one) is removed first, so a symlink replaced by a file is
 * replaced, not written through. Hard link targets are cleaned and resolved the same way and must
 * be a non-directory already in the tree. Resolved parents are cached per directory name and the
 * cache is dropped whenever a directory or symlink is removed, so the common case costs no extra
 * lstat. Nothing else writes into the directory while it is unpacked (it is an active snapshot
 * that nothing mounts yet), so checks and uses do not race.
 *
 * <p>A refused or broken layer throws INVALID_ARGUMENT naming the entry; what was unpacked so
 * far stays, and the caller removes the directory (for a snapshot: {@code Snapshotter.remove(key)},
 * which the snapshot package's {@code Snapshots.unpack} does for you).
 *
 * <h2>Attributes</h2>
 * Owners (lchown), modes including setuid/setgid/sticky, mtimes with nanoseconds (also on
 * symlinks), devices, fifos and xattrs (PAX {@code SCHILY.xattr.*} and
 * {@code LIBARCHIVE.xattr.*}). Directory modes and mtimes are set after their contents. To stay
 * fast, a file's mode is set only when open(2) under the umask would not already give it, and its
 * owner only when it differs from the unpacking user's. Xattr policy: {@code trusted.overlay.*}
 * from a tar is dropped (a layer must not forge overlay metadata; opaque directories come from
 * {@code .wh..wh..opq}); {@code security.*} and {@code trusted.*} that the filesystem or our
 * privileges refuse (EPERM, EOPNOTSUPP) are skipped with a log line, as Docker does in
 * restricted environments; any other xattr failure fails the unpack. Run without root, owners
 * other than the caller's cannot be set and are skipped (files stay the caller's), like rootless
 * Docker; device nodes then fail with FORBIDDEN.
 *
 * <p>Tar parsing is {@link TarReader}'s (why not commons-compress: see there), so xattr values
 * are kept byte-exact and times to the nanosecond.
 */
public final class LayerUnpacker {
    private static final Logger LOG = LoggerFactory.getLogger(LayerUnpacker.class);
    private static final String WHITEOUT_PREFIX = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final int BUFFER = 256 * 1024;
    private static final int MAX_SYMLINK_HOPS = 40;
    /** Big files start their writeback every this many bytes, and when they end. */
    private static final long WRITEBACK_STEP = 8L * 1024 * 1024;

    private static final long WRITEBACK_MIN = 1024 * 1024;

    private final WhiteoutMode whiteouts;
    private final boolean temporary;

    public LayerUnpacker(WhiteoutMode whiteouts) {
        this(whiteouts, false);
    }

    private LayerUnpacker(WhiteoutMode whiteouts, boolean temporary) {
        this.whiteouts = whiteouts;
        this.temporary = temporary;
    }

    /**
     * An unpacker for a tree that is read and deleted again soon, never committed (a build's
     * context): it starts no writeback, which only a layer about to be synced gains from (a
     * scratch tree removed within the 30 s the kernel keeps dirty pages never reaches the disk),
     * and hashes nothing: its {@link LayerDigest#diffId()} is null.
     */
    public static LayerUnpacker scratch(WhiteoutMode whiteouts) {
        return new LayerUnpacker(whiteouts, true);
    }

    /**
     * Unpacks {@code layer} into the existing directory {@code root}. Reads {@code layer} to its
     * end but does not close it.
     */
    public LayerDigest unpack(InputStream layer, Path root) {
        return unpack(layer, root, "sha256");
    }

    /**
     * As {@link #unpack(InputStream, Path)}, computing the diff ID with {@code diffIdAlgorithm}
     * (sha256 or sha512, as the image config names it): the only hash of the uncompressed bytes a
     * pull or load needs.
     */
    public LayerDigest unpack(InputStream layer, Path root, String diffIdAlgorithm) {
        return unpack(layer, root, diffIdAlgorithm, PathScope.TRUSTED);
    }

    /**
     * As {@link #unpack(InputStream, Path)} into a tree that others may change while it is
     * unpacked (docker cp into a running container): every path is handed to the kernel through
     * {@code scope} ({@link dev.berth.core.sys.InRoot}), so a directory swapped for a symlink
     * mid-way leads nowhere outside the scope's root.
     */
    public LayerDigest unpack(InputStream layer, Path root, PathScope scope) {
        return unpack(layer, root, "sha256", scope);
    }

    private LayerDigest unpack(InputStream layer, Path root, String diffIdAlgorithm, PathScope scope) {
        if (!isDirectory(scope, root)) {
            throw BerthException.notFound("unpack target %s is not a directory", root);
        }
        try (InputStream uncompressed = Compression.decompress(layer);
                ReadAhead hashed = new ReadAhead(uncompressed, temporary ? null : Digest.newHasher(diffIdAlgorithm));
                Libc.Scratch scratch = new Libc.Scratch()) {
            Session session = new Session(root.toAbsolutePath().normalize(), scope, scratch);
            TarReader tar = new TarReader(hashed);
            String current = null;
            try {
                TarReader.Header entry;
                while ((entry = tar.next()) != null) {
                    current = entry.name();
                    session.apply(entry, tar);
                }
                current = null;
                session.finish();
                byte[] diffId = hashed.finish();
                // A gzip stream can end before its source does (GZIPInputStream looks for another
                // member only when bytes are available): read the source to its end as promised,
                // so a source that ends only once its blob is verified has been waited for.
                layer.transferTo(OutputStream.nullOutputStream());
                return new LayerDigest(
                        diffId == null ? null : Digest.of(diffIdAlgorithm, diffId),
                        hashed.count(),
                        session.contentSize);
            } catch (EOFException e) {
                throw BerthException.invalid("layer tar is truncated%s", current == null ? "" : " at entry " + current);
            } catch (UncheckedIOException e) {
                throw BerthException.internal(
                        "unpacking layer entry " + current + ": " + e.getCause().getMessage(), e);
            } catch (IOException | IllegalArgumentException e) {
                throw BerthException.invalid(
                        "malformed layer tar%s: %s", current == null ? "" : " at entry " + current, e.getMessage());
            }
        } catch (IOException e) {
            throw BerthException.invalid("reading layer: %s", e.getMessage());
        }
    }

    /** The state of one unpack: resolved-parent cache, planted symlinks, deferred directory attributes. */
    private final class Session {
        private final Path root;
        private final PathScope scope;
        private final int euid = Libc.geteuid();
        private final int egid = Libc.getegid();
        private final int umask = Libc.umask();
        private final byte[] heap = new byte[BUFFER];
        private final MemorySegment buffer;
        private final Libc.Scratch scratch;
        private final Map<String, Path> parents = new HashMap<>();
        private final Set<Path> planted = new HashSet<>();
        /** APPLY mode: everything this layer created, so an opaque marker keeps it. */
        private final Set<Path> written = new HashSet<>();

        private final List<DirAttrs> dirs = new ArrayList<>();
        private boolean warnedOwners;
        private long contentSize;

        Session(Path root, PathScope scope, Libc.Scratch scratch) {
            this.root = root;
            this.scope = scope;
            this.scratch = scratch;
            this.buffer = scratch.allocate(BUFFER);
        }

        void apply(TarReader.Header entry, TarReader data) throws IOException {
            String name = entry.name();
            String cleaned = clean(name, name);
            if (cleaned.isEmpty()) {
                return; // the root itself: its attributes belong to the snapshot, not the layer
            }
            int slash = cleaned.lastIndexOf('/');
            String base = cleaned.substring(slash + 1);
            Path parent = resolveParent(name, slash < 0 ? "" : cleaned.substring(0, slash));
            if (base.startsWith(WHITEOUT_PREFIX) && whiteouts != WhiteoutMode.PLAIN) {
                whiteout(name, parent, base);
                return;
            }
            Path target = parent.resolve(base);
            byte flag = entry.type();
            switch (flag) {
                case '1' -> hardLink(entry, target);
                case '2' -> symlink(entry, target);
                case '5' -> directory(entry, target);
                case '3', '4', '6' -> node(entry, target, flag);
                case '0', '7' -> {
                    if (name.endsWith("/")) {
                        directory(entry, target); // old tars mark directories only by a trailing slash
                    } else {
                        regular(entry, target, data);
                    }
                }
                default ->
                    throw BerthException.invalid("layer entry %s: unsupported tar entry type '%c'", name, (char) flag);
            }
        }

        // ---- name resolution (see the class comment) ---------------------------------------

        /**
         * A tar name cleaned lexically ({@code a/b}, no leading or trailing slash, "" for the
         * root); refuses one whose {@code ..} climbs above the root. Names that need no cleaning
         * (nearly all) cost one scan and no allocation beyond the result.
         */
        private String clean(String name, String entryName) {
            int start = 0;
            while (true) {
                if (name.startsWith("/", start)) {
                    start++;
                } else if (name.startsWith("./", start)) {
                    start += 2;
                } else {
                    break;
                }
            }
            int end = name.length();
            while (end > start && name.charAt(end - 1) == '/') {
                end--;
            }
            boolean simple = true;
            for (int i = start; i <= end && simple; ) {
                int next = name.indexOf('/', i);
                if (next < 0 || next > end) {
                    next = end;
                }
                int len = next - i;
                if (len == 0
                        || (len == 1 && name.charAt(i) == '.')
                        || (len == 2 && name.charAt(i) == '.' && name.charAt(i + 1) == '.')) {
                    simple = start == end; // "" is the root, fine; anything else takes the slow path
                }
                i = next + 1;
            }
            if (simple) {
                return name.substring(start, end);
            }
            List<String> parts = new ArrayList<>();
            for (String part : name.split("/")) {
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                if (part.equals("..")) {
                    if (parts.isEmpty()) {
                        throw BerthException.invalid("layer entry %s: path leaves the layer root", entryName);
                    }
                    parts.removeLast();
                } else {
                    parts.add(part);
                }
            }
            return String.join("/", parts);
        }

        /** The real directory a cleaned parent name leads to (see the class comment). */
        private Path resolveParent(String entryName, String key) {
            Path cached = parents.get(key);
            if (cached != null) {
                return cached;
            }
            Path dir = root;
            Deque<String> todo = new ArrayDeque<>(Arrays.asList(key.split("/")));
            int hops = 0;
            while (!todo.isEmpty()) {
                String part = todo.pollFirst();
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                if (part.equals("..")) {
                    if (dir.equals(root)) {
                        throw BerthException.invalid(
                                "layer entry %s: a symlink in its path leads out of the layer root", entryName);
                    }
                    dir = dir.getParent();
                    continue;
                }
                Path next = dir.resolve(part);
                BasicFileAttributes attrs = lstat(next);
                if (attrs == null) {
                    at(next, p -> Libc.mkdir(scratch, p, 0755));
                    noteWritten(next);
                    dir = next;
                } else if (attrs.isDirectory()) {
                    dir = next;
                } else if (attrs.isSymbolicLink()) {
                    if (whiteouts == WhiteoutMode.OVERLAY || planted.contains(next)) {
                        throw BerthException.invalid(
                                "layer entry %s: goes through symlink %s planted by an earlier entry",
                                entryName, root.relativize(next));
                    }
                    if (++hops > MAX_SYMLINK_HOPS) {
                        throw BerthException.invalid("layer entry %s: too many levels of symlinks", entryName);
                    }
                    String target = entry(next, Libc::readlink);
                    if (target.startsWith("/")) {
                        dir = root;
                    }
                    String[] targetParts = target.split("/");
                    for (int i = targetParts.length - 1; i >= 0; i--) {
                        todo.addFirst(targetParts[i]);
                    }
                } else {
                    throw BerthException.invalid(
                            "layer entry %s: %s is not a directory", entryName, root.relativize(next));
                }
            }
            parents.put(key, dir);
            return dir;
        }

        // ---- entry types -----------------------------------------------------------------------

        private void regular(TarReader.Header entry, Path target, TarReader data) throws IOException {
            int mode = entry.mode() & 07777;
            int fd = createFile(target, mode);
            try {
                long size = entry.size();
                long done = 0;
                long unsynced = 0;
                while (done < size) {
                    int n = data.read(heap, 0, (int) Math.min(heap.length, size - done));
                    if (n < 0) {
                        throw new EOFException();
                    }
                    MemorySegment.copy(heap, 0, buffer, ValueLayout.JAVA_BYTE, 0, n);
                    Libc.writeFully(scratch, fd, buffer, n, target);
                    done += n;
                    unsynced += n;
                    if (unsynced >= WRITEBACK_STEP && !temporary) {
                        // The snapshot's commit syncs the filesystem; starting the disk writes now
                        // lets them run while the rest of the layer is unpacked, not after it.
                        Libc.startWriteback(scratch, fd, target);
                        unsynced = 0;
                    }
                }
                if (size >= WRITEBACK_MIN && unsynced > 0 && !temporary) {
                    Libc.startWriteback(scratch, fd, target);
                }
                contentSize += size;
                // Owner first: chown clears setuid/setgid, so the mode comes after it.
                int uid = (int) entry.uid();
                int gid = (int) entry.gid();
                if (uid != euid || gid != egid) {
                    try {
                        Libc.fchown(scratch, fd, uid, gid, target);
                    } catch (BerthException e) {
                        ownerFailed(e);
                    }
                }
                if (mode != (mode & 0777 & ~umask)) {
                    Libc.fchmod(scratch, fd, mode, target);
                }
                Time t = Time.of(entry);
                Libc.futimens(scratch, fd, t.aSec, t.aNsec, t.mSec, t.mNsec, target);
            } finally {
                Libc.close(scratch, fd, target);
            }
            xattrs(entry, target, false);
            noteWritten(target);
        }

        /** open(O_CREAT|O_EXCL|O_NOFOLLOW): never follows, never truncates someone else's file. */
        private int createFile(Path target, int mode) {
            int flags = Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW;
            try {
                return entry(target, p -> Libc.open(scratch, p, flags, mode & 0777));
            } catch (BerthException e) {
                if (Errno.of(e) != Errno.EEXIST) {
                    throw e;
                }
            }
            removeExisting(target);
            return entry(target, p -> Libc.open(scratch, p, flags, mode & 0777));
        }

        private void directory(TarReader.Header entry, Path target) {
            int mode = entry.mode() & 07777;
            BasicFileAttributes existing = lstat(target);
            int made;
            if (existing != null && existing.isDirectory()) {
                made = -1; // a lower layer's directory: its mode is unknown here, so always set it
            } else {
                if (existing != null) {
                    removeExisting(target);
                }
                int asked = (mode & 0777) | 0700; // writable by us until its contents are in
                at(target, p -> Libc.mkdir(scratch, p, asked));
                made = asked & ~umask;
            }
            owner(entry, target);
            xattrs(entry, target, false);
            dirs.add(new DirAttrs(target, made == mode ? -1 : mode, Time.of(entry)));
            noteWritten(target);
        }

        private void symlink(TarReader.Header entry, Path target) {
            String linkTarget = entry.linkName();
            try {
                at(target, p -> Libc.symlink(linkTarget, p));
            } catch (BerthException e) {
                if (Errno.of(e) != Errno.EEXIST) {
                    throw e;
                }
                removeExisting(target);
                at(target, p -> Libc.symlink(linkTarget, p));
            }
            planted.add(target);
            owner(entry, target);
            xattrs(entry, target, true);
            Time t = Time.of(entry);
            at(target, p -> Libc.utimensat(p, t.aSec, t.aNsec, t.mSec, t.mNsec, true));
            noteWritten(target);
        }

        private void hardLink(TarReader.Header entry, Path target) {
            String name = entry.name();
            String cleaned = clean(entry.linkName(), name);
            if (cleaned.isEmpty()) {
                throw BerthException.invalid("layer entry %s: hard link to the layer root", name);
            }
            int slash = cleaned.lastIndexOf('/');
            Path source = resolveParent(name, slash < 0 ? "" : cleaned.substring(0, slash))
                    .resolve(cleaned.substring(slash + 1));
            BasicFileAttributes attrs = lstat(source);
            if (attrs == null) {
                throw BerthException.invalid(
                        "layer entry %s: hard link target %s is not in the layer", name, entry.linkName());
            }
            if (attrs.isDirectory()) {
                throw BerthException.invalid(
                        "layer entry %s: hard link target %s is a directory", name, entry.linkName());
            }
            if (source.equals(target)) {
                return;
            }
            try {
                at(source, s -> at(target, t -> Libc.link(s, t)));
            } catch (BerthException e) {
                if (Errno.of(e) != Errno.EEXIST) {
                    throw e;
                }
                removeExisting(target);
                at(source, s -> at(target, t -> Libc.link(s, t)));
            }
            noteWritten(target);
        }

        private void node(TarReader.Header entry, Path target, byte flag) {
            int mode = entry.mode() & 07777;
            int type = switch (flag) {
                case '3' -> Libc.S_IFCHR;
                case '4' -> Libc.S_IFBLK;
                default -> Libc.S_IFIFO;
            };
            if (lstat(target) != null) {
                removeExisting(target);
            }
            at(target, p -> Libc.mknod(p, type | (mode & 0777), entry.devMajor(), entry.devMinor()));
            owner(entry, target);
            if (mode != (mode & 0777 & ~umask)) {
                // just made by us, so not a symlink; after chown, which clears setuid
                object(target, p -> Libc.chmod(p, mode));
            }
            xattrs(entry, target, false);
            Time t = Time.of(entry);
            at(target, p -> Libc.utimensat(p, t.aSec, t.aNsec, t.mSec, t.mNsec, true));
            noteWritten(target);
        }

        // ---- whiteouts (OCI image-spec layer.md "Whiteouts") -----------------------------------

        private void whiteout(String name, Path parent, String base) {
            if (base.equals(OPAQUE)) {
                if (whiteouts == WhiteoutMode.OVERLAY) {
                    at(parent, p -> Libc.lsetxattr(p, "trusted.overlay.opaque", new byte[] {'y'}, 0));
                } else {
                    clearLower(parent);
                    parents.clear();
                }
                return;
            }
            String hidden = base.substring(WHITEOUT_PREFIX.length());
            if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
                throw BerthException.invalid("layer entry %s: invalid whiteout name", name);
            }
            Path path = parent.resolve(hidden);
            if (whiteouts == WhiteoutMode.OVERLAY) {
                if (lstat(path) != null) {
                    removeExisting(path);
                }
                at(path, p -> Libc.mknod(p, Libc.S_IFCHR, 0, 0));
            } else if (lstat(path) != null) {
                removeExisting(path);
            }
        }

        /** APPLY mode opaque directory: drop what lower layers had below dir, keep this layer's entries. */
        private void clearLower(Path dir) {
            for (Path child : Trees.children(scope, dir)) {
                if (!written.contains(child)) {
                    Trees.delete(scope, child);
                } else {
                    BasicFileAttributes attrs = lstat(child);
                    if (attrs != null && attrs.isDirectory()) {
                        clearLower(child);
                    }
                }
            }
        }

        // ---- attributes ----------------------------------------------------------------------

        private void owner(TarReader.Header entry, Path target) {
            int uid = (int) entry.uid();
            int gid = (int) entry.gid();
            if (uid == euid && gid == egid) {
                return;
            }
            try {
                at(target, p -> Libc.lchown(p, uid, gid));
            } catch (BerthException e) {
                ownerFailed(e);
            }
        }

        private void ownerFailed(BerthException e) {
            if (euid == 0 || Errno.of(e) != Errno.EPERM) {
                throw e;
            }
            if (!warnedOwners) {
                warnedOwners = true;
                LOG.info("unpacking as uid {}: file owners from the layer are not kept ({})", euid, e.getMessage());
            }
        }

        private void xattrs(TarReader.Header entry, Path target, boolean isSymlink) {
            Map<String, byte[]> pax = entry.xattrs();
            if (pax.isEmpty()) {
                return;
            }
            for (Map.Entry<String, byte[]> header : pax.entrySet()) {
                String key = header.getKey();
                String xattr;
                byte[] value;
                if (key.startsWith("SCHILY.xattr.")) {
                    xattr = key.substring("SCHILY.xattr.".length());
                    value = header.getValue();
                } else if (key.startsWith("LIBARCHIVE.xattr.")) {
                    xattr = java.net.URLDecoder.decode(
                            key.substring("LIBARCHIVE.xattr.".length()), StandardCharsets.UTF_8);
                    value = Base64.getDecoder().decode(new String(header.getValue(), StandardCharsets.US_ASCII).trim());
                } else {
                    continue;
                }
                if (xattr.startsWith("trusted.overlay.")) {
                    LOG.debug("layer entry {}: dropping {}", entry.name(), xattr);
                    continue;
                }
                try {
                    byte[] bytes = value;
                    at(target, p -> Libc.lsetxattr(p, xattr, bytes, 0));
                } catch (BerthException e) {
                    int errno = Errno.of(e);
                    boolean refused = errno == Errno.EPERM || errno == Errno.EOPNOTSUPP;
                    boolean privileged = xattr.startsWith("security.") || xattr.startsWith("trusted.");
                    if (refused && (privileged || isSymlink || errno == Errno.EOPNOTSUPP)) {
                        LOG.info("layer entry {}: xattr {} not kept: {}", entry.name(), xattr, e.getMessage());
                        continue;
                    }
                    throw e;
                }
            }
        }

        void finish() {
            for (int i = dirs.size() - 1; i >= 0; i--) {
                DirAttrs d = dirs.get(i);
                BasicFileAttributes attrs = lstat(d.path);
                if (attrs == null || !attrs.isDirectory()) {
                    continue; // replaced or removed by a later entry; never chmod through a symlink
                }
                if (d.mode >= 0) {
                    object(d.path, p -> {
                        if (Files.isDirectory(p)) { // what the path names now, pinned
                            Libc.chmod(p, d.mode);
                        }
                    });
                }
                at(d.path, p -> Libc.utimensat(p, d.time.aSec, d.time.aNsec, d.time.mSec, d.time.mNsec, true));
            }
        }

        // ---- helpers -------------------------------------------------------------------------

        private void noteWritten(Path path) {
            if (whiteouts == WhiteoutMode.APPLY) {
                written.add(path);
            }
        }

        private void removeExisting(Path path) {
            BasicFileAttributes attrs = lstat(path);
            if (attrs == null) {
                return;
            }
            if (attrs.isDirectory() || attrs.isSymbolicLink()) {
                parents.clear();
            }
            planted.remove(path);
            Trees.delete(scope, path);
        }

        private BasicFileAttributes lstat(Path path) {
            return entry(path, Trees::lstat);
        }

        /** {@code op} on {@code path} through the scope: its last component is not followed. */
        private <T> T entry(Path path, PathScope.PathOp<T> op) {
            try {
                return scope.entry(path, op);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void at(Path path, VoidOp op) {
            entry(path, p -> {
                op.apply(p);
                return null;
            });
        }

        /** {@code op} on the object at {@code path} itself, pinned: it may follow the path it gets. */
        private void object(Path path, VoidOp op) {
            try {
                scope.object(path, p -> {
                    op.apply(p);
                    return null;
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @FunctionalInterface
    private interface VoidOp {
        void apply(Path path) throws IOException;
    }

    private record DirAttrs(Path path, int mode, Time time) {}

    /** Access and modification times as utimensat takes them; atime defaults to mtime. */
    private record Time(long aSec, long aNsec, long mSec, long mNsec) {
        static Time of(TarReader.Header entry) {
            return new Time(entry.atimeSec(), entry.atimeNsec(), entry.mtimeSec(), entry.mtimeNsec());
        }
    }

    private static boolean isDirectory(PathScope scope, Path dir) {
        try {
            BasicFileAttributes attrs = scope.entry(dir, Trees::lstat);
            return attrs != null && attrs.isDirectory();
        } catch (BerthException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
