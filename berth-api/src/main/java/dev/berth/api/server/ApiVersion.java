package dev.berth.api.server;

import dev.berth.core.error.BerthException;
import dev.berth.http.server.Request;
import java.util.regex.Pattern;

/**
 * A Docker Engine API version such as {@code 1.50}. Compared numerically per part, as Docker's
 * {@code versions.Compare} does, so 1.9 is older than 1.24.
 */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {
    /** The oldest version Berth answers, as Docker 28's default minimum. */
    public static final ApiVersion MINIMUM = new ApiVersion(1, 24);
    /** The version Berth implements; also the default for paths without a {@code /v1.NN} prefix. */
    public static final ApiVersion CURRENT = new ApiVersion(1, 50);

    /** The {@code /v1.NN} a path may start with; the router strips it and hands the number on. */
    static final Pattern PATH_PREFIX = Pattern.compile("/v([0-9.]+)");

    /** The client's version from the path prefix, or {@link #CURRENT} without one (checked by {@link #check}). */
    public static ApiVersion of(Request request) {
        return request.prefix() == null ? CURRENT : parse(request.prefix());
    }

    /** moby's VersionMiddleware, with its messages: a version outside MINIMUM…CURRENT is a 400. */
    static void check(Request request) {
        String text = request.prefix();
        if (text == null) {
            return;
        }
        ApiVersion v;
        try {
            v = parse(text);
        } catch (BerthException e) {
            throw tooOld(text);
        }
        if (v.compareTo(MINIMUM) < 0) {
            throw tooOld(text);
        }
        if (v.compareTo(CURRENT) > 0) {
            throw BerthException.invalid(
                    "client version %s is too new. Maximum supported API version is %s", text, CURRENT);
        }
    }

    private static BerthException tooOld(String text) {
        return BerthException.invalid(
                "client version %s is too old. Minimum supported API version is %s, "
                        + "please upgrade your client to a newer version",
                text, MINIMUM);
    }

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
