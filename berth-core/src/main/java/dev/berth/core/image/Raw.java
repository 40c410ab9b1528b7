package dev.berth.core.image;

import dev.berth.core.digest.Digest;
import java.util.Arrays;

/**
 * A parsed JSON document together with the exact bytes it came from. Identity (image ID,
 * manifest digest) is the digest of {@link #bytes}, never of a re-serialisation of {@link #value}.
 */
public record Raw<T>(T value, byte[] bytes, Digest digest) {
    public Raw {
        bytes = bytes.clone();
    }

    /** Parses untrusted bytes and keeps them. */
    public static <T> Raw<T> parse(byte[] bytes, Class<T> type, String what) {
        return new Raw<>(ImageJson.parse(bytes, type, what), bytes, Digest.sha256(bytes));
    }

    /** Serialises a Berth-made value once; these bytes are then its identity. */
    public static <T> Raw<T> of(T value) {
        byte[] bytes = ImageJson.bytes(value);
        return new Raw<>(value, bytes, Digest.sha256(bytes));
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public long size() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Raw<?> other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Raw[" + digest + "]";
    }
}
