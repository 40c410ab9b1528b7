package dev.berth.build.builder;

import dev.berth.core.io.Compression;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Whether a file ADD takes is a tar archive (plain, gzip, bzip2 or xz), by its contents as
 * Docker decides it, never by its name: an empty {@code x.tar.gz} is copied as a file.
 */
final class Archives {
    private static final int BLOCK = 512;

    private Archives() {}

    static boolean isTar(Path file) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS));
                InputStream in = Compression.decompress(raw)) {
            byte[] header = in.readNBytes(BLOCK);
            return header.length == BLOCK && checksumMatches(header);
        } catch (IOException | RuntimeException e) {
            return false; // not an archive we can read: a file to copy
        }
    }

    /** The tar header checksum: the sum of its bytes with the checksum field taken as spaces. */
    private static boolean checksumMatches(byte[] h) {
        String field = new String(h, 148, 8, StandardCharsets.US_ASCII).trim();
        int end = field.indexOf('\0');
        if (end >= 0) {
            field = field.substring(0, end).trim();
        }
        if (field.isEmpty() || !field.matches("[0-7]+")) {
            return false;
        }
        long expected = Long.parseLong(field, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        }
        return sum == expected;
    }
}
