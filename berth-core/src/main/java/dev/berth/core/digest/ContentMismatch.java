package dev.berth.core.digest;

import dev.berth.core.error.BerthException;

/**
 * The DATA_LOSS failures for bytes that are not what they claim to be, worded once so that the
 * content store, pulls and loads all name the expected and the seen digest the same way.
 */
public final class ContentMismatch {
    private ContentMismatch() {}

    public static BerthException digest(Digest expected, Digest seen) {
        return BerthException.dataLoss("digest mismatch: expected %s got %s", expected, seen);
    }

    /**
     * Wrong byte count. {@code expected} may be null when only the size was known; the seen
     * digest is named too, so a truncated download can be told apart from a different blob.
     */
    public static BerthException size(Digest expected, long expectedSize, Digest seen, long seenSize) {
        if (expected == null || expected.equals(seen)) {
            return BerthException.dataLoss(
                    "size mismatch for %s: expected %d bytes, got %d", seen, expectedSize, seenSize);
        }
        return BerthException.dataLoss(
                "size mismatch for %s: expected %d bytes, got %d (content digest %s)",
                expected, expectedSize, seenSize, seen);
    }

    /**
     * Checks what was seen against what was expected; null {@code expected} and negative
     * {@code expectedSize} mean "not known". Size is checked first: a truncated stream also has
     * the wrong digest, and "expected N bytes, got M" says more about what went wrong.
     */
    public static void check(Digest expected, long expectedSize, Digest seen, long seenSize) {
        if (expectedSize >= 0 && expectedSize != seenSize) {
            throw size(expected, expectedSize, seen, seenSize);
        }
        if (expected != null && !expected.equals(seen)) {
            throw digest(expected, seen);
        }
    }
}
