package dev.berth.api.server;

import dev.berth.core.error.BerthException;

/**
 * A Docker Engine API version such as {@code 1.50}. Compared numerically per part, as Docker's
 * {@code versions.Compare} does, so 1.9 is older than 1.24.
 */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {
    /** The oldest version Berth answers, as Docker 28's default minimum. */
    public static final ApiVersion MINIMUM = new ApiVersion(1, 24);
    /** The version Berth implements; also the default for paths without a {@code /v1.NN} prefix. */
    public static final ApiVersion CURRENT = new ApiVersion(1, 50);

    public static ApiVersion parse(String text) {
        String[] parts = text.split("\\.", -1);
        try {
            if (parts.length == 2) {
                return new ApiVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
            }
            if (parts.length == 1) {
                return new ApiVersion(Integer.parseInt(parts[0]), 0);
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw BerthException.invalid("invalid API version %s", text);
    }

    public boolean atLeast(ApiVersion other) {
        return compareTo(other) >= 0;
    }

    public boolean atLeast(String other) {
        return atLeast(parse(other));
    }

    public boolean lessThan(String other) {
        return !atLeast(other);
    }

    @Override
    public int compareTo(ApiVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
