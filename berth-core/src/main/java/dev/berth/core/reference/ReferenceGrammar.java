package dev.berth.core.reference;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Docker's reference grammar, as github.com/distribution/reference (v0.6, vendored by moby 28)
 * defines it in regexp.go, without any normalization:
 *
 * <pre>
 * reference        := name [ ":" tag ] [ "@" digest ]
 * name             := [domain '/'] remote-name
 * domain           := host [':' port-number]
 * host             := domain-name | IPv4address | \[ IPv6address \]
 * domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
 * path-component   := alpha-numeric [separator alpha-numeric]*
 * alpha-numeric    := /[a-z0-9]+/
 * separator        := /[_.]|__|[-]+/
 * tag              := /[\w][\w.-]{0,127}/
 * </pre>
 *
 * The registry server validates repository names with it as they come (no docker.io default);
 * {@link ImageReference} adds Docker's normalization on top.
 *
 * <p>Java's backtracking matcher picks the same submatches as Go's leftmost-first semantics, so the
 * patterns are Docker's, spelled in Java. Patterns are applied with {@link Matcher#matches()}
 * rather than {@code ^…$}: Java's {@code $} would accept a trailing newline, Go's does not.
 */
public final class ReferenceGrammar {
    /**
     * Docker's limit on the repository path (the name without its domain), in characters. The
     * path, not the whole name, is what docker 28 measures: {@code x.io/} + 255 characters passes.
     */
    public static final int PATH_LENGTH_MAX = 255;

    // Docker's patterns, rewritten only so that they cannot overflow Java's stack on long input
    // (Java recurses once per iteration of a greedy group; possessive loops iterate). Each
    // rewrite matches the same strings with the same split: a domain component, a path component
    // and an algorithm name each end where the next character cannot belong to them, so the engine
    // never needs to give back what a loop took.
    //   domain-component [a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]  ==  [a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?
    private static final String ALPHANUMERIC = "[a-z0-9]++";
    private static final String SEPARATOR = "(?:[._]|__|[-]+)";
    private static final String DOMAIN_NAME_COMPONENT = "(?>[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)";
    private static final String OPTIONAL_PORT = "(?::[0-9]++)?";
    private static final String TAG = "[\\w][\\w.-]{0,127}";
    private static final String DIGEST = "[A-Za-z][A-Za-z0-9]*+(?:[-_+.][A-Za-z][A-Za-z0-9]*+)*+[:][0-9a-fA-F]{32,}";
    // Zone identifiers (fe80::1%eth0) and IPv4-mapped forms are deliberately excluded, as in Docker.
    private static final String IPV6_ADDRESS = "\\[(?:[a-fA-F0-9:]++)\\]";
    private static final String DOMAIN_NAME = DOMAIN_NAME_COMPONENT + "(?:\\." + DOMAIN_NAME_COMPONENT + ")*+";
    private static final String HOST = "(?:" + DOMAIN_NAME + "|" + IPV6_ADDRESS + ")";
    private static final String DOMAIN_AND_PORT = HOST + OPTIONAL_PORT;
    private static final String PATH_COMPONENT = ALPHANUMERIC + "(?:" + SEPARATOR + ALPHANUMERIC + ")*+";
    private static final String REMOTE_NAME = PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*+";
    private static final String NAME = "(?:" + DOMAIN_AND_PORT + "/)?" + REMOTE_NAME;

    private static final Pattern REFERENCE = Pattern.compile("(" + NAME + ")(?::(" + TAG + "))?(?:@(" + DIGEST + "))?");
    private static final Pattern SPLIT_NAME = Pattern.compile("(?:(" + DOMAIN_AND_PORT + ")/)?(" + REMOTE_NAME + ")");
    private static final Pattern TAG_PATTERN = Pattern.compile(TAG);
    private static final Pattern DIGEST_PATTERN = Pattern.compile(DIGEST);
    private static final Pattern REMOTE_NAME_PATTERN = Pattern.compile(REMOTE_NAME);
    private static final Pattern DOMAIN_PATTERN = Pattern.compile(DOMAIN_AND_PORT);
    private static final Pattern IDENTIFIER = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern LOWER_HEX = Pattern.compile("[a-f0-9]+");

    /**
     * The pieces of a reference as written. {@code domain} is empty when the text has none;
     * {@code tag} and {@code digest} are null when absent.
     */
    public record Parts(String domain, String path, String tag, Digest digest) {
        /** {@code domain/path}, or just the path when there is no domain (Docker's {@code Name()}). */
        public String name() {
            return domain.isEmpty() ? path : domain + "/" + path;
        }

        @Override
        public String toString() {
            return name() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
        }
    }

    private ReferenceGrammar() {}

    /**
     * Docker's {@code reference.Parse}: checks the grammar and splits, never normalizes. Errors
     * carry Docker's messages ("invalid reference format", "repository name must be lowercase" …).
     */
    public static Parts parse(String text) {
        if (text == null || text.isEmpty()) {
            throw BerthException.invalid("repository name must have at least one component");
        }
        Matcher matcher = REFERENCE.matcher(text);
        if (!matcher.matches()) {
            String lower = text.toLowerCase(Locale.ROOT);
            if (!lower.equals(text) && REFERENCE.matcher(lower).matches()) {
                throw BerthException.invalid("repository name must be lowercase");
            }
            throw BerthException.invalid("invalid reference format");
        }
        String name = matcher.group(1);
        Matcher split = SPLIT_NAME.matcher(name);
        String domain = "";
        String path = name;
        if (split.matches()) {
            domain = split.group(1) == null ? "" : split.group(1);
            path = split.group(2);
        }
        if (path.length() > PATH_LENGTH_MAX) {
            throw BerthException.invalid("repository name must not be more than %d characters", PATH_LENGTH_MAX);
        }
        String digestText = matcher.group(3);
        return new Parts(domain, path, matcher.group(2), digestText == null ? null : parseDigest(digestText));
    }

    /** A repository path such as {@code library/busybox}: the registry API's {@code <name>} minus any host. */
    public static boolean isRemoteName(String text) {
        return text != null && REMOTE_NAME_PATTERN.matcher(text).matches();
    }

    /** A registry host with optional port, such as {@code localhost:5000} or {@code [::1]:5000}. */
    public static boolean isDomain(String text) {
        return text != null && DOMAIN_PATTERN.matcher(text).matches();
    }

    public static boolean isTag(String text) {
        return text != null && TAG_PATTERN.matcher(text).matches();
    }

    /** 64 lowercase hex characters: an image ID without its {@code sha256:} prefix. */
    public static boolean isIdentifier(String text) {
        return text != null && IDENTIFIER.matcher(text).matches();
    }

    /**
     * Validates a digest the way go-digest's {@code Parse} does after the grammar accepted it, with
     * its messages. sha384, which go-digest also knows, is not a digest Berth stores.
     */
    static Digest parseDigest(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon + 1 == text.length()) {
            throw BerthException.invalid("invalid checksum digest format");
        }
        String algorithm = text.substring(0, colon);
        String encoded = text.substring(colon + 1);
        int hexLength = switch (algorithm) {
            case "sha256" -> 64;
            case "sha512" -> 128;
            default -> -1;
        };
        if (hexLength < 0) {
            if (!DIGEST_PATTERN.matcher(text).matches()) {
                throw BerthException.invalid("invalid checksum digest format");
            }
            throw BerthException.invalid("unsupported digest algorithm");
        }
        if (encoded.length() != hexLength) {
            throw BerthException.invalid("invalid checksum digest length");
        }
        if (!LOWER_HEX.matcher(encoded).matches()) {
            throw BerthException.invalid("invalid checksum digest format");
        }
        return new Digest(algorithm, encoded);
    }
}
