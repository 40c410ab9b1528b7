package dev.berth.core.layer;

import dev.berth.core.digest.Digest;
import dev.berth.core.sys.Libc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Everything a layer can hold about a tree, one line per path, to compare trees in tests. */
final class TreeListing {
    private TreeListing() {}

    /** Path → "type mode uid:gid size content link rdev mtime-seconds xattrs" (+ inode group for hard links). */
    static Map<String, String> of(Path root, boolean withDirMtimes) {
        Map<String, String> out = new TreeMap<>();
        Map<Object, String> firstOfInode = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted().toList()) {
                if (p.equals(root)) {
                    continue;
                }
                Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
                int mode = (int) a.get("mode");
                int type = mode & Libc.S_IFMT;
                String rel = root.relativize(p).toString();
                StringBuilder sb = new StringBuilder();
                sb.append(Integer.toOctalString(mode))
                        .append(' ')
                        .append(a.get("uid"))
                        .append(':')
                        .append(a.get("gid"));
                if (type == Libc.S_IFREG) {
                    sb.append(" size=")
                            .append(a.get("size"))
                            .append(" sha=")
                            .append(Digest.sha256(Files.readAllBytes(p)).shortHex());
                    if ((int) a.get("nlink") > 1) {
                        String key = a.get("dev") + ":" + a.get("ino");
                        String first = firstOfInode.putIfAbsent(key, rel);
                        sb.append(" links=").append(first == null ? rel : first);
                    }
                }
                if (type == Libc.S_IFLNK) {
                    sb.append(" -> ").append(Libc.readlink(p));
                }
                if (type == Libc.S_IFCHR || type == Libc.S_IFBLK) {
                    sb.append(" rdev=").append(a.get("rdev"));
                }
                if (type != Libc.S_IFDIR || withDirMtimes) {
                    sb.append(" mtime=")
                            .append(((FileTime) a.get("lastModifiedTime"))
                                    .toInstant()
                                    .getEpochSecond());
                }
                for (String x : new java.util.TreeSet<>(Libc.llistxattr(p))) {
                    sb.append(' ').append(x).append('=').append(HexFormat.of().formatHex(Libc.lgetxattr(p, x)));
                }
                out.put(rel, sb.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
