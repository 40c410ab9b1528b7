package dev.berth.build.cache;

import dev.berth.core.digest.Digest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The cache key of a build step: a sha256 over the key of the step before it (for a stage's
 * first step, its base image ID, or {@code scratch}) and everything the step's result depends on,
 * in order — the instruction after substitution, the build args it sees, the checksum of the
 * files it copies (contents and metadata, never mtimes), the options that change what it runs.
 * A chain of keys rather than the parent image's ID, so that a key does not depend on when the
 * steps before it ran: an image built elsewhere finds its steps again through the keys in its
 * history ({@code --cache-from}).
 */
public final class StepKey {
    private final MessageDigest sha = Digest.newHasher("sha256");

    private StepKey(String parent) {
        part("parent", parent);
    }

    /** A key on top of {@code parent} (a key, an image ID, or {@code scratch}). */
    public static StepKey after(String parent) {
        return new StepKey(parent);
    }

    /** Adds one named input; names and values are length-prefixed, so no two inputs run together. */
    public StepKey part(String name, String value) {
        update(name);
        update(value == null ? "\0null" : value);
        return this;
    }

    private void update(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(bytes);
    }

    /** The key, 64 hex characters. */
    public String done() {
        return HexFormat.of().formatHex(sha.digest());
    }
}
