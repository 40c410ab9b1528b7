package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The key sequence that detaches a client from a container's terminal ({@code detachKeys},
 * default ctrl-p,ctrl-q), as moby's term.ToBytes reads it, and a {@link Scanner} that watches a
 * client's input for it as moby's term.EscapeProxy does: only keys read one at a time (typed)
 * count, so a paste that holds the sequence does not detach; a partial match that breaks is
 * forwarded whole.
 */
final class DetachKeys {
    private static final byte[] DEFAULT = {16, 17}; // ctrl-p, ctrl-q
    /** ctrl-X is the code of X's place here: ctrl-@ 0, ctrl-a 1 … ctrl-_ 31. */
    private static final String CONTROLS = "@abcdefghijklmnopqrstuvwxyz[\\]^_";

    private final byte[] keys;

    private DetachKeys(byte[] keys) {
        this.keys = keys;
    }

    /** {@code ctrl-<a-z@[\]^_>}, {@code DEL} or single ASCII characters, comma-separated; empty for the default. */
    static DetachKeys parse(String text, String what) {
        if (text == null || text.isEmpty()) {
            return new DetachKeys(DEFAULT);
        }
        ByteArrayOutputStream codes = new ByteArrayOutputStream();
        for (String key : text.split(",", -1)) {
            if (key.length() == 1 && key.charAt(0) < 0x80) {
                codes.write(key.charAt(0));
            } else if (key.equals("DEL")) {
                codes.write(127);
            } else if (key.length() == 6 && key.startsWith("ctrl-") && CONTROLS.indexOf(key.charAt(5)) >= 0) {
                codes.write(CONTROLS.indexOf(key.charAt(5)));
            } else {
                throw BerthException.invalid("Invalid %s keys (%s) provided", what, text);
            }
        }
        return new DetachKeys(codes.toByteArray());
    }

    Scanner scanner() {
        return new Scanner();
    }

    /**
     * Copies a client's input to a container's stdin read by read, until the input ends (true) or
     * the client types the keys {@code keys} watches for (false; null: input is never watched).
     */
    static boolean copy(InputStream in, OutputStream stdin, Scanner keys) throws IOException {
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0; ) {
            if (keys == null) {
                stdin.write(buf, 0, n);
            } else {
                byte[] forward = keys.scan(buf, n);
                if (forward == null) {
                    return false;
                }
                stdin.write(forward);
            }
            stdin.flush();
        }
        return true;
    }

    /** One client's input, read by read. */
    final class Scanner {
        private int matched;

        /** What to forward of a read of {@code n} bytes; null once the sequence is complete. */
        byte[] scan(byte[] buf, int n) {
            if (n == 1 && buf[0] == keys[matched]) {
                if (++matched == keys.length) {
                    return null;
                }
                return new byte[0];
            }
            byte[] out = new byte[matched + n];
            System.arraycopy(keys, 0, out, 0, matched);
            System.arraycopy(buf, 0, out, matched, n);
            matched = 0;
            return out;
        }
    }
}
