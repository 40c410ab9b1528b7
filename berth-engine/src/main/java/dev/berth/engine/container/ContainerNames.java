package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/** Container IDs and names as Docker makes and checks them (moby daemon/names, pkg/namesgenerator). */
public final class ContainerNames {
    /** moby daemon/names.RestrictedNamePattern. */
    private static final Pattern VALID = Pattern.compile("^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$");

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final List<String> LEFT = List.of(
            "admiring",
            "brave",
            "clever",
            "dazzling",
            "eager",
            "focused",
            "gallant",
            "happy",
            "jolly",
            "keen",
            "loving",
            "modest",
            "nifty",
            "optimistic",
            "peaceful",
            "quirky",
            "relaxed",
            "serene",
            "tender",
            "upbeat",
            "vibrant",
            "wizardly",
            "youthful",
            "zealous");
    private static final List<String> RIGHT = List.of(
            "albattani",
            "babbage",
            "curie",
            "darwin",
            "euclid",
            "fermat",
            "galileo",
            "hopper",
            "lovelace",
            "meitner",
            "newton",
            "noether",
            "pascal",
            "ritchie",
            "shannon",
            "thompson",
            "turing",
            "wozniak",
            "yalow",
            "zhukovsky");

    private ContainerNames() {}

    /** 64 random hex digits that are not all numeric (Docker avoids IDs that read as numbers). */
    public static String newId() {
        while (true) {
            byte[] b = new byte[32];
            RANDOM.nextBytes(b);
            String id = HexFormat.of().formatHex(b);
            if (!id.substring(0, 12).chars().allMatch(Character::isDigit)) {
                return id;
            }
        }
    }

    /** "/name" from what the user gave; INVALID_ARGUMENT with Docker's message when malformed. */
    public static String normalize(String name) {
        if (!VALID.matcher(name).matches()) {
            throw BerthException.invalid(
                    "Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name);
        }
        return name.startsWith("/") ? name : "/" + name;
    }

    public static String random() {
        return "/" + LEFT.get(RANDOM.nextInt(LEFT.size())) + "_" + RIGHT.get(RANDOM.nextInt(RIGHT.size()));
    }
}
