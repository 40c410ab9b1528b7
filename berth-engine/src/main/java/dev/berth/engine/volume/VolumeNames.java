package dev.berth.engine.volume;

import dev.berth.core.error.BerthException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Volume names as Docker's local driver accepts them, and the random names of anonymous volumes. */
public final class VolumeNames {
    /** moby volume/local: validName. */
    private static final Pattern VALID = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$");

    private static final SecureRandom RANDOM = new SecureRandom();

    private VolumeNames() {}

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /** Docker's message for a name the local driver refuses (400). */
    public static void check(String name) {
        if (!isValid(name)) {
            throw BerthException.invalid(
                    "create %s: \"%s\" includes invalid characters for a local volume name, "
                            + "only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, "
                            + "use absolute path",
                    name, name);
        }
    }

    /** 64 random hex digits, as moby's stringid.GenerateRandomID. */
    public static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
