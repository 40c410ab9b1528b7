package dev.berth.core.digest;

import dev.berth.core.error.BerthException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Chain IDs name a stack of applied layers (OCI image-spec config.md, "Layer ChainID"):
 * {@code ChainID(L0) = DiffID(L0)} and
 * {@code ChainID(L0|…|Ln) = sha256(ChainID(L0|…|Ln-1) + " " + DiffID(Ln))}. A snapshot is keyed
 * by the chain ID of its layer, so two images share a snapshot only when they share every layer
 * below it as well.
 */
public final class ChainId {
    private ChainId() {}

    /** The chain ID of the whole stack, bottom layer first; INVALID_ARGUMENT for an empty list. */
    public static Digest of(List<Digest> diffIds) {
        List<Digest> chain = chain(diffIds);
        if (chain.isEmpty()) {
            throw BerthException.invalid("a chain ID needs at least one diff ID");
        }
        return chain.getLast();
    }

    /** The chain ID of every prefix: element i names layers 0..i applied in order. */
    public static List<Digest> chain(List<Digest> diffIds) {
        List<Digest> chain = new ArrayList<>(diffIds.size());
        Digest parent = null;
        for (Digest diffId : diffIds) {
            parent = parent == null ? diffId : next(parent, diffId);
            chain.add(parent);
        }
        return List.copyOf(chain);
    }

    /** The chain ID of {@code diffId} applied on top of the stack named {@code parent}. */
    public static Digest next(Digest parent, Digest diffId) {
        // The spec says Digest(...) without naming the algorithm; Docker and containerd use sha256.
        MessageDigest hasher = Digest.newHasher("sha256");
        hasher.update((parent + " " + diffId).getBytes(StandardCharsets.US_ASCII));
        return Digest.of("sha256", hasher.digest());
    }
}
