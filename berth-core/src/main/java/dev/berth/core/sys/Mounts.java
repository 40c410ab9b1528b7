package dev.berth.core.sys;

import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** mount(2) and umount2(2) with the flags Berth uses, plus a reader of /proc/self/mountinfo. */
public final class Mounts {
    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    public static final long MS_REMOUNT = 32;
    public static final long MS_BIND = 4096;
    public static final long MS_MOVE = 8192;
    public static final long MS_REC = 16384;
    public static final long MS_PRIVATE = 1 << 18;
    public static final long MS_SLAVE = 1 << 19;
    public static final long MS_SHARED = 1 << 20;

    public static final int MNT_FORCE = 1;
    public static final int MNT_DETACH = 2;

    private Mounts() {}

    public static void mount(String source, Path target, String type, long flags, String data) {
        Libc.mount(source, target, type, flags, data);
    }

    /** A bind mount; read-only needs a second, remounting call (the kernel ignores MS_RDONLY on the first). */
    public static void bind(Path source, Path target, boolean readOnly) {
        Libc.mount(source.toString(), target, null, MS_BIND | MS_REC, null);
        if (readOnly) {
            Libc.mount(source.toString(), target, null, MS_BIND | MS_REC | MS_REMOUNT | MS_RDONLY, null);
        }
    }

    /**
     * Makes the mount at {@code target} and every mount below it private (MS_REC|MS_PRIVATE): a
     * bind of a shared mount joins its peer group, so mounting or unmounting beneath the copy
     * would otherwise reach the original (unmounting the host's own submounts).
     */
    public static void makePrivate(Path target) {
        Libc.mount("none", target, null, MS_REC | MS_PRIVATE, null);
    }

    /** Lazily detaches the mount at target (MNT_DETACH): it goes once nothing uses it. */
    public static void unmountDetach(Path target) {
        Libc.umount2(target, MNT_DETACH);
    }

    /** Detaches every mount at or below {@code root}, deepest first; ignores ones already gone. */
    public static void unmountAllUnder(Path root) {
        List<Path> points = mountPointsUnder(root);
        for (int i = points.size() - 1; i >= 0; i--) {
            try {
                Libc.umount2(points.get(i), MNT_DETACH);
            } catch (BerthException e) {
                int errno = Errno.of(e);
                if (errno != Errno.EINVAL && errno != Errno.ENOENT) {
                    throw e;
                }
            }
        }
    }

    public static boolean isMountPoint(Path path) {
        Path p = path.toAbsolutePath().normalize();
        return mountPointsUnder(p).contains(p);
    }

    /** Mount points at or below {@code root} in mount order, from /proc/self/mountinfo. */
    public static List<Path> mountPointsUnder(Path root) {
        Path r = root.toAbsolutePath().normalize();
        List<Path> result = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] fields = line.split(" ");
                if (fields.length > 4) {
                    Path point = Path.of(unescape(fields[4]));
                    if (point.startsWith(r)) {
                        result.add(point);
                    }
                }
            }
        } catch (IOException e) {
            throw BerthException.internal("reading /proc/self/mountinfo: " + e.getMessage(), e);
        }
        return result;
    }

    /** mountinfo escapes space, tab, newline and backslash as octal (\040 …). */
    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                sb.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
