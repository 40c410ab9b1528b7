package dev.berth.core.digest;

import dev.berth.core.error.BerthException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest, {@code algorithm:hex}, as defined by the OCI image spec (descriptor.md,
 * "Digests"). sha256 and sha512 are the registered algorithms Berth accepts.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
    private static final Pattern SHA256_HEX = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern SHA512_HEX = Pattern.compile("[a-f0-9]{128}");

    public Digest {
        Pattern hexPattern = switch (algorithm) {
            case "sha256" -> SHA256_HEX;
            case "sha512" -> SHA512_HEX;
            default -> throw BerthException.invalid("unsupported digest algorithm: %s", algorithm);
        };
        if (!hexPattern.matcher(hex).matches()) {
            throw BerthException.invalid("invalid %s digest: %s", algorithm, hex);
        }
    }

    /** Parses untrusted text such as {@code sha256:9f86…}. */
    public static Digest parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon <= 0) {
            throw BerthException.invalid("invalid digest format: %s", text);
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    public static Digest sha256(byte[] data) {
        return of("sha256", newHasher("sha256").digest(data));
    }

    public static Digest of(String algorithm, byte[] hash) {
        return new Digest(algorithm, HexFormat.of().formatHex(hash));
    }

    /** A fresh {@link MessageDigest} for the algorithm name used in digests ({@code sha256}, {@code sha512}). */
    public static MessageDigest newHasher(String algorithm) {
        try {
            return MessageDigest.getInstance(
                    switch (algorithm) {
                        case "sha256" -> "SHA-256";
                        case "sha512" -> "SHA-512";
                        default -> throw BerthException.invalid("unsupported digest algorithm: %s", algorithm);
                    });
        } catch (NoSuchAlgorithmException e) {
            throw BerthException.internal("JDK lacks " + algorithm, e);
        }
    }

    public MessageDigest newHasher() {
        return newHasher(algorithm);
    }

    /** The first 12 hex characters, as Docker shows IDs in tables. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }

    @Override
    public int compareTo(Digest other) {
        return toString().compareTo(other.toString());
    }
}
