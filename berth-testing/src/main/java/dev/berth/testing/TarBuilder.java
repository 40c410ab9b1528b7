package dev.berth.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Tars for tests, entry by entry, including the malicious shapes a layer must refuse: every entry
 * owned by 0:0 with {@link #MTIME} unless a tweak says otherwise. In memory ({@link #build}), or
 * streamed to a file for layers too large to hold ({@link #to}, then {@link #finish}).
 */
public final class TarBuilder {
    /** Every entry's mtime: fixed, with nanoseconds, so that tests see them kept. */
    public static final Instant MTIME = Instant.ofEpochSecond(1_600_000_000L, 123_456_789L);

    private final ByteArrayOutputStream bytes;
    private final TarArchiveOutputStream tar;

    /** In memory, long names as PAX headers. */
    public TarBuilder() {
        this(TarArchiveOutputStream.LONGFILE_POSIX);
    }

    /** In memory, long names as {@code longFileMode} says (TarArchiveOutputStream.LONGFILE_*). */
    public TarBuilder(int longFileMode) {
        this(new ByteArrayOutputStream(), longFileMode);
    }

    private TarBuilder(OutputStream out, int longFileMode) {
        bytes = out instanceof ByteArrayOutputStream memory ? memory : null;
        tar = new TarArchiveOutputStream(out, "UTF-8");
        tar.setLongFileMode(longFileMode);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    /** Streamed to {@code out}; {@link #finish} ends the archive (and closes {@code out}). */
    public static TarBuilder to(OutputStream out) {
        return new TarBuilder(out, TarArchiveOutputStream.LONGFILE_POSIX);
    }

    public TarBuilder dir(String name) {
        return dir(name, 0755, e -> {});
    }

    public TarBuilder dir(String name, int mode, Consumer<TarArchiveEntry> tweak) {
        TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR);
        e.setMode(mode);
        return put(e, null, tweak);
    }

    public TarBuilder file(String name, String content) {
        return file(name, content, 0644, e -> {});
    }

    public TarBuilder file(String name, byte[] content) {
        return file(name, content, 0644, e -> {});
    }

    public TarBuilder file(String name, String content, int mode, Consumer<TarArchiveEntry> tweak) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), mode, tweak);
    }

    public TarBuilder file(String name, byte[] content, int mode, Consumer<TarArchiveEntry> tweak) {
        return file(name, content.length, new ByteArrayInputStream(content), mode, tweak);
    }

    /** A regular file of {@code size} bytes read from {@code content}: large files never sit in memory. */
    public TarBuilder file(String name, long size, InputStream content, int mode, Consumer<TarArchiveEntry> tweak) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
        e.setMode(mode);
        e.setSize(size);
        return put(e, content, tweak);
    }

    public TarBuilder symlink(String name, String target) {
        return symlink(name, target, e -> {});
    }

    public TarBuilder symlink(String name, String target, Consumer<TarArchiveEntry> tweak) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        e.setLinkName(target);
        e.setMode(0777);
        return put(e, null, tweak);
    }

    public TarBuilder hardlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK);
        e.setLinkName(target);
        e.setMode(0644);
        return put(e, null, x -> {});
    }

    public TarBuilder node(String name, byte type, int major, int minor, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, type);
        e.setMode(mode);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        return put(e, null, x -> {});
    }

    public TarBuilder whiteout(String name) {
        return file(name, "");
    }

    private TarBuilder put(TarArchiveEntry e, InputStream content, Consumer<TarArchiveEntry> tweak) {
        e.setUserId(0);
        e.setGroupId(0);
        e.setLastModifiedTime(FileTime.from(MTIME));
        tweak.accept(e);
        try {
            tar.putArchiveEntry(e);
            if (content != null) {
                content.transferTo(tar);
            }
            tar.closeArchiveEntry();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return this;
    }

    /** The archive made in memory. */
    public byte[] build() {
        if (bytes == null) {
            throw new IllegalStateException("a streamed tar ends with finish()");
        }
        finish();
        return bytes.toByteArray();
    }

    /** Ends the archive and closes the stream under it. */
    public void finish() {
        try {
            tar.finish();
            tar.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entry names of a tar, in order. */
    public static List<String> names(byte[] tar) {
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                names.add(e.getName());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }
}
