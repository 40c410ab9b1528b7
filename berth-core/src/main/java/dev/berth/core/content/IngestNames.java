package dev.berth.core.content;

import dev.berth.core.error.BerthException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Maps an ingest ref (any text a caller picks: {@code pull-sha256:ab…}, an upload UUID) to a
 * single safe file name under {@code ingest/} and back. Percent-encoding rather than replacing
 * keeps the mapping one-to-one, so two refs never share a partial file and {@code ingests()} can
 * give the refs back as they were written.
 */
final class IngestNames {
    // Well under NAME_MAX (255 bytes) on every Linux filesystem.
    private static final int MAX_FILE_NAME = 240;
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private IngestNames() {}

    static String fileName(String ref) {
        if (ref == null || ref.isEmpty()) {
            throw BerthException.invalid("ingest ref must not be empty");
        }
        StringBuilder name = new StringBuilder(ref.length());
        byte[] bytes = ref.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            // A leading '.' is encoded so that no ref becomes ".", ".." or a hidden file.
            boolean safe = (b >= 'a' && b <= 'z')
                    || (b >= 'A' && b <= 'Z')
                    || (b >= '0' && b <= '9')
                    || b == '-'
                    || b == '_'
                    || (b == '.' && i > 0);
            if (safe) {
                name.append((char) b);
            } else {
                name.append('%').append(HEX.toHexDigits((byte) b));
            }
        }
        if (name.length() > MAX_FILE_NAME) {
            throw BerthException.invalid(
                    "ingest ref too long (%d bytes encoded, at most %d): %s", name.length(), MAX_FILE_NAME, ref);
        }
        return name.toString();
    }

    /** The ref a file name stands for, or empty when the name is not one {@link #fileName} makes. */
    static Optional<String> ref(String fileName) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(fileName.length());
        for (int i = 0; i < fileName.length(); i++) {
            char c = fileName.charAt(i);
            if (c == '%') {
                if (i + 2 >= fileName.length()) {
                    return Optional.empty();
                }
                try {
                    bytes.write(HexFormat.fromHexDigits(fileName, i + 1, i + 3));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        String ref = bytes.toString(StandardCharsets.UTF_8);
        try {
            // Only the canonical spelling counts, so one ref never has two files.
            return fileName(ref).equals(fileName) ? Optional.of(ref) : Optional.empty();
        } catch (BerthException e) {
            return Optional.empty();
        }
    }
}
