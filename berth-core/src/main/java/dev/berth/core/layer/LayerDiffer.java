package dev.berth.core.layer;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.sys.Libc;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes the changes of a directory as a layer tar (what {@code docker commit}, {@code docker
 * diff}, builds and export need), in one of two ways (and, with the same entry rules, the files a
 * build's COPY takes: {@link #writeCopy}):
 * <ul>
 *   <li>{@link #writeOverlayUpper}: an overlay upper directory already holds exactly the changes;
 *       0/0 character devices become {@code .wh.<name>} entries and directories with
 *       {@code trusted.overlay.opaque=y} get a {@code .wh..wh..opq} entry right after them;</li>
 *   <li>{@link #writeComparison}: a full copy (vfs) is compared with its parent's tree by type,
 *       mode, owner, size, mtime, link target, device number and xattrs; what differs or is new
 *       is written, what is gone becomes a whiteout, and the directories leading to a change are
 *       written too so that unpacking restores their owners and modes.</li>
 * </ul>
 * The output is deterministic: entries in depth-first order with names sorted by their UTF-8
 * bytes, mtimes truncated to whole seconds and no access/change times, user and group names
 * empty — as Docker writes layers. PAX headers carry long names and xattrs
 * ({@code SCHILY.xattr.*}, or {@code LIBARCHIVE.xattr.*} base64 for values that are not UTF-8,
 * which PAX text cannot hold through commons-compress). Files hard-linked within the layer are
 * written once and linked after. {@code trusted.overlay.*} xattrs are never written.
 */
public final class LayerDiffer {
    private LayerDiffer() {}

    /**
     * Writes the layer tar of an overlay upper directory to {@code out} (not closed). Mtimes later
     * than {@code clampMtimes} (null: no limit) are written as it: a build with
     * {@code SOURCE_DATE_EPOCH} gets the same layer whenever it runs.
     */
    public static LayerDigest writeOverlayUpper(Path upper, OutputStream out, Instant clampMtimes) {
        return write(out, clampMtimes, w -> w.upper(upper, ""));
    }

    /**
     * Writes what changed from {@code lower} (null: nothing) to {@code upper} as a layer tar to
     * {@code out}, mtimes clamped as {@link #writeOverlayUpper}'s.
     */
    public static LayerDigest writeComparison(Path lower, Path upper, OutputStream out, Instant clampMtimes) {
        return write(out, clampMtimes, w -> w.compare(lower, upper, ""));
    }

    /**
     * One source of a copy (a build's COPY or ADD): a file, symlink, device or directory, and the
     * name it gets; a directory with the name {@code ""} gives its contents, at the top.
     */
    public record CopySource(Path path, String name) {}

    /** How a copy rewrites what it writes: {@code --chown}, {@code --chmod}, {@code --exclude}. */
    public interface CopyRewrite {
        CopyRewrite NONE = new CopyRewrite() {};

        /** Whether {@code relative} (to its source, e.g. {@code sub/a.txt}) is left out, with all below it. */
        default boolean excluded(String relative) {
            return false;
        }

        /** The owner an entry gets, or -1 to keep its own. */
        default int uid() {
            return -1;
        }

        /** The group an entry gets, or -1 to keep its own. */
        default int gid() {
            return -1;
        }

        /** The permission bits (07777) an entry with {@code mode} gets. */
        default int mode(int mode, boolean directory) {
            return mode & 07777;
        }
    }

    /**
     * Writes the sources of a copy as one tar, in their order, each directory's entries sorted and
     * written as layers are (so the same files give the same bytes), rewritten by {@code rewrite}.
     * With {@code clampMtimes} at the epoch the tar's digest covers names, types, modes, owners,
     * link targets, xattrs and contents but no time: a build's cache key for the copy.
     */
    public static LayerDigest writeCopy(
            List<CopySource> sources, CopyRewrite rewrite, OutputStream out, Instant clampMtimes) {
        return write(out, clampMtimes, w -> {
            for (CopySource source : sources) {
                w.copy(source, rewrite);
            }
        });
    }

    private interface Walk {
        void run(Writer writer) throws IOException;
    }

    /**
     * commons-compress hands its output on in 512-byte records: unbuffered, a layer of 10,000 small
     * files cost ~120,000 write calls (and as many hash updates, here and in the blob writer) for
     * 65 MiB. Buffered, the hash and the output get chunks of this size.
     */
    private static final int OUTPUT_BUFFER = 256 * 1024;

    private static LayerDigest write(OutputStream out, Instant clampMtimes, Walk walk) {
        HashingOutputStream hashed = new HashingOutputStream(out);
        long[] contentSize = {0};
        try {
            BufferedOutputStream buffered = new BufferedOutputStream(hashed, OUTPUT_BUFFER);
            TarArchiveOutputStream tar = new TarArchiveOutputStream(buffered, "UTF-8");
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            Writer writer = new Writer(tar, clampMtimes == null ? Long.MAX_VALUE : clampMtimes.getEpochSecond());
            walk.run(writer);
            contentSize[0] = writer.contentSize;
            tar.finish();
            // the tar's flush does not reach the stream it wraps: the buffer's last bytes go by hand
            buffered.flush();
        } catch (IOException e) {
            throw BerthException.internal("writing layer tar: " + e.getMessage(), e);
        }
        return new LayerDigest(Digest.of("sha256", hashed.hasher.digest()), hashed.count, contentSize[0]);
    }

    private static final class Writer {
        private final TarArchiveOutputStream tar;
        private final long maxMtimeSeconds;
        private final Map<List<Object>, String> linked = new HashMap<>();
        /** Directories entered but not yet written: written before the first change below them. */
        private final List<Stat> pendingDirs = new ArrayList<>();

        private long contentSize;

        Writer(TarArchiveOutputStream tar, long maxMtimeSeconds) {
            this.tar = tar;
            this.maxMtimeSeconds = maxMtimeSeconds;
        }

        void upper(Path dir, String prefix) throws IOException {
            for (Path child : sortedChildren(dir)) {
                Stat s = Stat.of(child, prefix);
                if (s.isWhiteout()) {
                    whiteout(prefix, s.base);
                } else if (s.isDir()) {
                    entry(s);
                    if (Arrays.equals(s.xattrs.get("trusted.overlay.opaque"), new byte[] {'y'})) {
                        marker(s.name + "/.wh..wh..opq");
                    }
                    upper(child, s.name + "/");
                } else {
                    entry(s);
                }
            }
        }

        void compare(Path lowerDir, Path upperDir, String prefix) throws IOException {
            TreeSet<String> names = new TreeSet<>(LayerDiffer::byBytes);
            List<Path> upperChildren = sortedChildren(upperDir);
            for (Path p : upperChildren) {
                names.add(p.getFileName().toString());
            }
            TreeMap<String, Path> lowerChildren = new TreeMap<>();
            if (lowerDir != null) {
                for (Path p : sortedChildren(lowerDir)) {
                    names.add(p.getFileName().toString());
                    lowerChildren.put(p.getFileName().toString(), p);
                }
            }
            for (String name : names) {
                Path u = upperDir.resolve(name);
                Path l = lowerChildren.get(name);
                Stat us = Stat.ofOrNull(u, prefix);
                if (us == null) {
                    flushPending();
                    whiteout(prefix, name);
                    continue;
                }
                Stat ls = l == null ? null : Stat.ofOrNull(l, prefix);
                if (us.isDir()) {
                    boolean lowerIsDir = ls != null && ls.isDir();
                    if (ls == null || !us.sameAs(ls)) {
                        entry(us);
                    } else {
                        pendingDirs.add(us);
                    }
                    compare(lowerIsDir ? l : null, u, us.name + "/");
                    if (!pendingDirs.isEmpty() && pendingDirs.getLast() == us) {
                        pendingDirs.removeLast();
                    }
                } else if (ls == null || !us.sameAs(ls)) {
                    entry(us);
                }
            }
        }

        void copy(CopySource source, CopyRewrite rewrite) throws IOException {
            Stat top = Stat.of(source.path(), "");
            if (top.isDir() && source.name().isEmpty()) {
                copyChildren(source.path(), "", "", rewrite);
                return;
            }
            write(top.rewritten(source.name(), rewrite));
            if (top.isDir()) {
                copyChildren(source.path(), source.name() + "/", "", rewrite);
            }
        }

        private void copyChildren(Path dir, String prefix, String relativePrefix, CopyRewrite rewrite)
                throws IOException {
            for (Path child : sortedChildren(dir)) {
                String base = child.getFileName().toString();
                if (rewrite.excluded(relativePrefix + base)) {
                    continue;
                }
                Stat s = Stat.of(child, prefix);
                write(s.rewritten(s.name, rewrite));
                if (s.isDir()) {
                    copyChildren(child, s.name + "/", relativePrefix + base + "/", rewrite);
                }
            }
        }

        private void flushPending() throws IOException {
            if (pendingDirs.isEmpty()) {
                return;
            }
            List<Stat> dirs = new ArrayList<>(pendingDirs);
            pendingDirs.clear();
            for (Stat d : dirs) {
                write(d);
            }
        }

        private void entry(Stat s) throws IOException {
            flushPending();
            write(s);
        }

        private void whiteout(String prefix, String hiddenName) throws IOException {
            marker(prefix + ".wh." + hiddenName);
        }

        /** A whiteout or opaque marker: an empty file, as Docker writes them. */
        private void marker(String name) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
            e.setMode(0644);
            e.setModTime(FileTime.fromMillis(0));
            e.setUserName("");
            e.setGroupName("");
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
        }

        private void write(Stat s) throws IOException {
            TarArchiveEntry e;
            boolean data = false;
            String hardlinkTarget = null;
            if (s.type == Libc.S_IFREG && s.nlink > 1) {
                List<Object> key = List.of(s.dev, s.ino);
                hardlinkTarget = linked.get(key);
                if (hardlinkTarget == null) {
                    linked.put(key, s.name);
                }
            }
            if (hardlinkTarget != null) {
                e = new TarArchiveEntry(s.name, TarConstants.LF_LINK);
                e.setLinkName(hardlinkTarget);
            } else {
                switch (s.type) {
                    case Libc.S_IFDIR -> e = new TarArchiveEntry(s.name + "/", TarConstants.LF_DIR);
                    case Libc.S_IFLNK -> {
                        e = new TarArchiveEntry(s.name, TarConstants.LF_SYMLINK);
                        e.setLinkName(Libc.readlink(s.path));
                    }
                    case Libc.S_IFCHR, Libc.S_IFBLK -> {
                        e = new TarArchiveEntry(
                                s.name, s.type == Libc.S_IFCHR ? TarConstants.LF_CHR : TarConstants.LF_BLK);
                        e.setDevMajor(Libc.major(s.rdev));
                        e.setDevMinor(Libc.minor(s.rdev));
                    }
                    case Libc.S_IFIFO -> e = new TarArchiveEntry(s.name, TarConstants.LF_FIFO);
                    case Libc.S_IFREG -> {
                        e = new TarArchiveEntry(s.name, TarConstants.LF_NORMAL);
                        e.setSize(s.size);
                        data = true;
                    }
                    default ->
                        throw BerthException.invalid(
                                "cannot put %s in a layer: it is a socket or unknown file type", s.path);
                }
            }
            e.setMode(s.mode & 07777);
            e.setUserId(s.uid);
            e.setGroupId(s.gid);
            e.setUserName("");
            e.setGroupName("");
            e.setModTime(FileTime.fromMillis(Math.min(s.mtimeSeconds, maxMtimeSeconds) * 1000));
            for (Map.Entry<String, byte[]> x : s.xattrs.entrySet()) {
                if (x.getKey().startsWith("trusted.overlay.")) {
                    continue;
                }
                String text = utf8(x.getValue());
                if (text != null) {
                    e.addPaxHeader("SCHILY.xattr." + x.getKey(), text);
                } else {
                    e.addPaxHeader(
                            "LIBARCHIVE.xattr." + java.net.URLEncoder.encode(x.getKey(), StandardCharsets.UTF_8),
                            Base64.getEncoder().encodeToString(x.getValue()));
                }
            }
            tar.putArchiveEntry(e);
            if (data) {
                try (InputStream in = Files.newInputStream(s.path, LinkOption.NOFOLLOW_LINKS)) {
                    long copied = in.transferTo(tar);
                    if (copied != s.size) {
                        throw BerthException.conflict("%s changed size while its layer was written", s.path);
                    }
                    contentSize += copied;
                }
            }
            tar.closeArchiveEntry();
        }
    }

    /** What lstat and the xattr calls say about one path, and the layer name it gets. */
    private record Stat(
            Path path,
            String name,
            String base,
            int type,
            int mode,
            int uid,
            int gid,
            long size,
            long mtimeSeconds,
            long mtimeNanos,
            long rdev,
            long dev,
            long ino,
            int nlink,
            Map<String, byte[]> xattrs) {
        static Stat ofOrNull(Path path, String prefix) throws IOException {
            try {
                return of(path, prefix);
            } catch (NoSuchFileException e) {
                return null;
            }
        }

        static Stat of(Path path, String prefix) throws IOException {
            Map<String, Object> a = Files.readAttributes(path, "unix:*", LinkOption.NOFOLLOW_LINKS);
            int mode = (int) a.get("mode");
            FileTime mtime = (FileTime) a.get("lastModifiedTime");
            java.time.Instant m = mtime.toInstant();
            Map<String, byte[]> xattrs = new TreeMap<>();
            for (String x : Libc.llistxattr(path)) {
                byte[] v = Libc.lgetxattr(path, x);
                if (v != null) {
                    xattrs.put(x, v);
                }
            }
            String base = path.getFileName().toString();
            return new Stat(
                    path,
                    prefix + base,
                    base,
                    mode & Libc.S_IFMT,
                    mode,
                    (int) a.get("uid"),
                    (int) a.get("gid"),
                    (long) a.get("size"),
                    m.getEpochSecond(),
                    m.getNano(),
                    (long) a.get("rdev"),
                    (long) a.get("dev"),
                    (long) a.get("ino"),
                    (int) a.get("nlink"),
                    xattrs);
        }

        boolean isDir() {
            return type == Libc.S_IFDIR;
        }

        /** The same file under another name, with the owner and mode a copy gives it. */
        Stat rewritten(String newName, CopyRewrite rewrite) {
            int newMode = (mode & ~07777) | (rewrite.mode(mode, isDir()) & 07777);
            return new Stat(
                    path,
                    newName,
                    base,
                    type,
                    newMode,
                    rewrite.uid() < 0 ? uid : rewrite.uid(),
                    rewrite.gid() < 0 ? gid : rewrite.gid(),
                    size,
                    mtimeSeconds,
                    mtimeNanos,
                    rdev,
                    dev,
                    ino,
                    nlink,
                    xattrs);
        }

        boolean isWhiteout() {
            return type == Libc.S_IFCHR && rdev == 0;
        }

        boolean sameAs(Stat o) {
            if (type != o.type || mode != o.mode || uid != o.uid || gid != o.gid || rdev != o.rdev) {
                return false;
            }
            if (!isDir() && (size != o.size || mtimeSeconds != o.mtimeSeconds || mtimeNanos != o.mtimeNanos)) {
                return false;
            }
            if (isDir() && (mtimeSeconds != o.mtimeSeconds || mtimeNanos != o.mtimeNanos)) {
                return false;
            }
            if (type == Libc.S_IFLNK && !Objects.equals(Libc.readlink(path), Libc.readlink(o.path))) {
                return false;
            }
            if (xattrs.size() != o.xattrs.size()) {
                return false;
            }
            for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
                if (!Arrays.equals(x.getValue(), o.xattrs.get(x.getKey()))) {
                    return false;
                }
            }
            return true;
        }
    }

    private static List<Path> sortedChildren(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted((a, b) ->
                            byBytes(a.getFileName().toString(), b.getFileName().toString()))
                    .toList();
        }
    }

    /** Names in UTF-8 byte order, as Go's sort of strings (and so Docker) orders them. */
    static int byBytes(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static String utf8(byte[] value) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static final class HashingOutputStream extends FilterOutputStream {
        final MessageDigest hasher = Digest.newHasher("sha256");
        long count;

        HashingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            hasher.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            hasher.update(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            flush(); // the caller owns out
        }
    }
}
