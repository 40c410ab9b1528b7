package dev.berth.core.layer;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A streaming reader of layer tars: ustar, PAX extended headers ({@code x}; global {@code g}
 * headers are skipped, as Docker does) and GNU long names ({@code L}, {@code K}).
 *
 * <p>Why not commons-compress (which the layer differ uses to write): on a 40k-file layer its
 * reader alone took as long as GNU {@code tar -x} for the whole job; it also decodes every PAX
 * value as UTF-8, which corrupts binary xattrs such as {@code security.capability}, and keeps
 * times to 100 ns. This reader parses headers in place in one large buffer, keeps xattr values as
 * raw bytes and times to the nanosecond. Sparse entries (never written by Docker or BuildKit)
 * are refused.
 */
final class TarReader {
    private static final int BLOCK = 512;

    private final InputStream in;
    private final byte[] buf = new byte[256 * 1024];
    private int pos;
    private int limit;
    private long remaining; // data bytes of the current entry not yet read
    private long padding; // bytes after the data up to the next block
    private boolean ended; // the stream ended in the padding of the last entry

    TarReader(InputStream in) {
        this.in = in;
    }

    /** One entry's header with PAX and GNU extensions applied. */
    record Header(
            String name,
            byte type,
            String linkName,
            int mode,
            long uid,
            long gid,
            long size,
            long mtimeSec,
            int mtimeNsec,
            long atimeSec,
            int atimeNsec,
            int devMajor,
            int devMinor,
            Map<String, byte[]> xattrs) {}

    /** The next entry's header, or null at the end of the archive. Skips what is left of the current entry. */
    Header next() throws IOException {
        skipRest();
        if (ended) {
            return null;
        }
        Map<String, byte[]> pax = null;
        String longName = null;
        String longLink = null;
        while (true) {
            if (!fill(BLOCK)) {
                if (limit - pos == 0 && pax == null && longName == null && longLink == null) {
                    return null; // no end-of-archive blocks at all: accepted, as GNU tar and Go do
                }
                throw new EOFException("truncated tar header");
            }
            int h = pos;
            if (buf[h] == 0 && isZero(h)) { // a real header always has a name
                pos += BLOCK;
                return null;
            }
            checkChecksum(h);
            byte type = buf[h + 156];
            long size = number(h + 124, 12);
            pos += BLOCK;
            switch (type) {
                case 'x' -> {
                    pax = parsePax(readSmall(size));
                    continue;
                }
                case 'g' -> {
                    readSmall(size);
                    continue;
                }
                case 'L' -> {
                    longName = cString(readSmall(size));
                    continue;
                }
                case 'K' -> {
                    longLink = cString(readSmall(size));
                    continue;
                }
                case 'S' -> throw new IOException("sparse tar entries are not supported");
                default -> {}
            }
            boolean ustar = buf[h + 257] == 'u'
                    && buf[h + 258] == 's'
                    && buf[h + 259] == 't'
                    && buf[h + 260] == 'a'
                    && buf[h + 261] == 'r';
            boolean posixUstar = ustar && buf[h + 262] == 0;
            String name = string(h, 100);
            if (posixUstar && buf[h + 345] != 0) {
                name = string(h + 345, 155) + "/" + name;
            }
            String linkName = buf[h + 157] == 0 ? "" : string(h + 157, 100);
            int mode = (int) number(h + 100, 8);
            long uid = number(h + 108, 8);
            long gid = number(h + 116, 8);
            long mtime = number(h + 136, 12);
            int major = ustar ? (int) number(h + 329, 8) : 0;
            int minor = ustar ? (int) number(h + 337, 8) : 0;
            long mtimeSec = mtime;
            int mtimeNsec = 0;
            long atimeSec = mtime;
            int atimeNsec = 0;
            Map<String, byte[]> xattrs = Map.of();
            if (longName != null) {
                name = longName;
            }
            if (longLink != null) {
                linkName = longLink;
            }
            if (pax != null) {
                for (Map.Entry<String, byte[]> e : pax.entrySet()) {
                    String key = e.getKey();
                    String text = new String(e.getValue(), StandardCharsets.UTF_8);
                    switch (key) {
                        case "path" -> name = text;
                        case "linkpath" -> linkName = text;
                        case "size" -> size = Long.parseLong(text);
                        case "uid" -> uid = Long.parseLong(text);
                        case "gid" -> gid = Long.parseLong(text);
                        case "mtime" -> {
                            long[] t = paxTime(text);
                            mtimeSec = t[0];
                            mtimeNsec = (int) t[1];
                            if (!pax.containsKey("atime")) {
                                atimeSec = t[0];
                                atimeNsec = (int) t[1];
                            }
                        }
                        case "atime" -> {
                            long[] t = paxTime(text);
                            atimeSec = t[0];
                            atimeNsec = (int) t[1];
                        }
                        default -> {
                            if (key.startsWith("GNU.sparse.")) {
                                throw new IOException("sparse tar entries are not supported");
                            }
                            if (key.startsWith("SCHILY.xattr.") || key.startsWith("LIBARCHIVE.xattr.")) {
                                if (xattrs.isEmpty()) {
                                    xattrs = new LinkedHashMap<>();
                                }
                                xattrs.put(key, e.getValue());
                            }
                        }
                    }
                }
            }
            if (size < 0) {
                throw new IOException("negative entry size");
            }
            // Only regular files (and old-style ones) carry data; hard links and others have size 0
            // in well-formed tars, but honour the size field so the stream stays in step.
            remaining = size;
            padding = (BLOCK - size % BLOCK) % BLOCK;
            return new Header(
                    name,
                    type == 0 ? (byte) '0' : type,
                    linkName,
                    mode,
                    uid,
                    gid,
                    size,
                    mtimeSec,
                    mtimeNsec,
                    atimeSec,
                    atimeNsec,
                    major,
                    minor,
                    xattrs);
        }
    }

    /** Reads the current entry's data; -1 at its end. */
    int read(byte[] dst, int off, int len) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        if (pos == limit) {
            if (len >= buf.length / 2 && remaining >= len) {
                int n = in.read(dst, off, len); // large read straight from the source
                if (n < 0) {
                    throw new EOFException("truncated tar entry");
                }
                remaining -= n;
                return n;
            }
            refill();
        }
        int n = (int) Math.min(Math.min(len, limit - pos), remaining);
        System.arraycopy(buf, pos, dst, off, n);
        pos += n;
        remaining -= n;
        return n;
    }

    private void skipRest() throws IOException {
        long skip = remaining;
        long pad = padding;
        remaining = 0;
        padding = 0;
        while (skip > 0) {
            if (pos == limit) {
                refill();
            }
            int n = (int) Math.min(skip, limit - pos);
            pos += n;
            skip -= n;
        }
        // The stream may end within the last entry's padding (the docker CLI sends such contexts):
        // Go's reader takes that as the end of the archive, and so does this one.
        while (pad > 0) {
            if (pos == limit && !fill(1)) {
                ended = true;
                return;
            }
            int n = (int) Math.min(pad, limit - pos);
            pos += n;
            pad -= n;
        }
    }

    /** Reads a small extension entry's data (PAX or GNU long name) and its padding. */
    private byte[] readSmall(long size) throws IOException {
        if (size > 16 * 1024 * 1024) {
            throw new IOException("tar extension header of " + size + " bytes is too large");
        }
        byte[] data = new byte[(int) size];
        int done = 0;
        while (done < size) {
            if (pos == limit) {
                refill();
            }
            int n = Math.min((int) size - done, limit - pos);
            System.arraycopy(buf, pos, data, done, n);
            pos += n;
            done += n;
        }
        long pad = (BLOCK - size % BLOCK) % BLOCK;
        remaining = 0;
        padding = pad;
        skipRest();
        return data;
    }

    /** Makes at least {@code n} bytes available at pos; false at a clean end of input. */
    private boolean fill(int n) throws IOException {
        if (limit - pos >= n) {
            return true;
        }
        System.arraycopy(buf, pos, buf, 0, limit - pos);
        limit -= pos;
        pos = 0;
        while (limit < n) {
            int r = in.read(buf, limit, buf.length - limit);
            if (r < 0) {
                return false;
            }
            limit += r;
        }
        return true;
    }

    private void refill() throws IOException {
        pos = 0;
        limit = 0;
        int r = in.read(buf, 0, buf.length);
        if (r < 0) {
            throw new EOFException("truncated tar entry");
        }
        limit = r;
    }

    private boolean isZero(int h) {
        for (int i = h; i < h + BLOCK; i++) {
            if (buf[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private void checkChecksum(int h) throws IOException {
        long stored = number(h + 148, 8);
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            byte b = (i >= 148 && i < 156) ? (byte) ' ' : buf[h + i];
            unsigned += b & 0xff;
            signed += b;
        }
        if (stored != unsigned && stored != signed) {
            throw new IOException("not a tar header (checksum mismatch)");
        }
    }

    /** A numeric field: octal ASCII (NUL/space padded), or base-256 when the high bit is set (GNU). */
    private long number(int off, int len) throws IOException {
        if ((buf[off] & 0x80) != 0) {
            long v = buf[off] & 0x7f;
            if ((buf[off] & 0x40) != 0) {
                throw new IOException("negative base-256 number in tar header");
            }
            for (int i = 1; i < len; i++) {
                v = (v << 8) | (buf[off + i] & 0xff);
            }
            return v;
        }
        long v = 0;
        int i = off;
        int end = off + len;
        while (i < end && (buf[i] == ' ' || buf[i] == 0)) {
            i++;
        }
        for (; i < end; i++) {
            byte b = buf[i];
            if (b == ' ' || b == 0) {
                break;
            }
            if (b < '0' || b > '7') {
                throw new IOException("invalid octal number in tar header");
            }
            v = (v << 3) | (b - '0');
        }
        return v;
    }

    private String string(int off, int len) {
        int end = off;
        while (end < off + len && buf[end] != 0) {
            end++;
        }
        return new String(buf, off, end - off, StandardCharsets.UTF_8);
    }

    private static String cString(byte[] data) {
        int end = 0;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, 0, end, StandardCharsets.UTF_8);
    }

    /** PAX records: {@code "<len> <key>=<value>\n"}, values kept as bytes. */
    private static Map<String, byte[]> parsePax(byte[] data) throws IOException {
        Map<String, byte[]> records = new LinkedHashMap<>();
        int p = 0;
        while (p < data.length) {
            if (data[p] == 0) {
                break;
            }
            int space = p;
            int len = 0;
            while (space < data.length && data[space] != ' ') {
                byte b = data[space];
                if (b < '0' || b > '9') {
                    throw new IOException("malformed PAX record");
                }
                len = len * 10 + (b - '0');
                space++;
            }
            int end = p + len;
            if (len <= 0 || end > data.length || data[end - 1] != '\n') {
                throw new IOException("malformed PAX record");
            }
            int eq = space + 1;
            while (eq < end && data[eq] != '=') {
                eq++;
            }
            if (eq >= end) {
                throw new IOException("malformed PAX record");
            }
            String key = new String(data, space + 1, eq - space - 1, StandardCharsets.UTF_8);
            byte[] value = java.util.Arrays.copyOfRange(data, eq + 1, end - 1);
            records.put(key, value);
            p = end;
        }
        return records;
    }

    /** A PAX time such as {@code 1600000000.123456789} (or negative) as seconds and nanoseconds. */
    private static long[] paxTime(String text) {
        int dot = text.indexOf('.');
        if (dot < 0) {
            return new long[] {Long.parseLong(text), 0};
        }
        long sec = Long.parseLong(
                text.substring(0, dot).isEmpty() || text.substring(0, dot).equals("-")
                        ? text.substring(0, dot) + "0"
                        : text.substring(0, dot));
        String frac = (text.substring(dot + 1) + "000000000").substring(0, 9);
        long nsec = Long.parseLong(frac);
        if (text.startsWith("-") && nsec > 0) {
            sec -= 1;
            nsec = 1_000_000_000L - nsec;
        }
        return new long[] {sec, nsec};
    }
}
