package dev.berth.http.server;

import dev.berth.core.error.BerthException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@link Handler} gets: the method, the raw URI, the decoded path (without the router's
 * prefix, which {@link #prefix()} gives), path and query parameters, headers, whether the
 * connection is TLS, and the body as a stream.
 *
 * <p>The body is read as it arrives (with backpressure, never buffered whole), so uploads of
 * gigabytes are fine. What a handler leaves unread is drained after its answer (up to a limit,
 * past which the connection is closed), so the client reads the answer rather than a reset.
 */
public final class Request {
    private final String method;
    private final String uri;
    private final String path;
    private final String prefix;
    private final Map<String, String> params;
    private final Map<String, List<String>> query;
    private final Headers headers;
    private final InputStream body;
    private final boolean tls;

    /** Read-only view of the request headers; names are case-insensitive. */
    public interface Headers {
        /** The first value of {@code name}, or {@code null}. */
        String get(String name);

        /** Every value of {@code name}, in request order. */
        List<String> getAll(String name);

        static Headers of(Map<String, String> map) {
            Map<String, String> lower = new HashMap<>();
            map.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
            return new Headers() {
                @Override
                public String get(String name) {
                    return lower.get(name.toLowerCase(Locale.ROOT));
                }

                @Override
                public List<String> getAll(String name) {
                    String v = get(name);
                    return v == null ? List.of() : List.of(v);
                }
            };
        }
    }

    /**
     * @param path the decoded path without the prefix
     * @param prefix what the router's optional prefix captured, or null
     */
    public Request(
            String method,
            String uri,
            String path,
            String prefix,
            Map<String, String> params,
            Map<String, List<String>> query,
            Headers headers,
            InputStream body,
            boolean tls) {
        this.method = method;
        this.uri = uri;
        this.path = path;
        this.prefix = prefix;
        this.params = Map.copyOf(params);
        this.query = Map.copyOf(query);
        this.headers = headers;
        this.body = body;
        this.tls = tls;
    }

    public String method() {
        return method;
    }

    /** The request target as sent, with its query and percent-encoding. */
    public String uri() {
        return uri;
    }

    /** The decoded path without the prefix, e.g. {@code /images/busybox/json}. */
    public String path() {
        return path;
    }

    /** What the router's optional prefix captured ({@code 1.44} of {@code /v1.44/…}), or null without one. */
    public String prefix() {
        return prefix;
    }

    /** True when the request came over TLS. */
    public boolean tls() {
        return tls;
    }

    /** The value of path parameter {@code {name}} (already percent-decoded). */
    public String param(String name) {
        String value = params.get(name);
        if (value == null) {
            throw new IllegalArgumentException("route has no parameter {" + name + "}");
        }
        return value;
    }

    public boolean has(String name) {
        return query.containsKey(name);
    }

    /** The first value of query parameter {@code name}, or {@code null} when absent. */
    public String query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    public String query(String name, String defaultValue) {
        String value = query(name);
        return value == null ? defaultValue : value;
    }

    /** Every value of a repeated query parameter ({@code ?changes=CMD+x&changes=ENV+y}). */
    public List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    /**
     * A boolean query parameter as Docker reads one ({@code httputils.BoolValue}): false when
     * absent, empty, {@code 0}, {@code no}, {@code false} or {@code none} (any case); true otherwise.
     */
    public boolean bool(String name) {
        String v = query(name);
        if (v == null) {
            return false;
        }
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "", "0", "no", "false", "none" -> false;
            default -> true;
        };
    }

    /** Like {@link #bool(String)}, but {@code defaultValue} when the parameter is absent. */
    public boolean bool(String name, boolean defaultValue) {
        return has(name) ? bool(name) : defaultValue;
    }

    /** An integer query parameter; a malformed one is a 400 naming it. */
    public long longValue(String name, long defaultValue) {
        String v = query(name);
        if (v == null || v.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw BerthException.invalid("invalid value for %s: %s", name, v);
        }
    }

    public int intValue(String name, int defaultValue) {
        long v = longValue(name, defaultValue);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw BerthException.invalid("invalid value for %s: %s", name, query(name));
        }
        return (int) v;
    }

    /** The first value of header {@code name} (case-insensitive), or {@code null}. */
    public String header(String name) {
        return headers.get(name);
    }

    public Headers headers() {
        return headers;
    }

    /**
     * The body's declared length: its Content-Length, -1 when it is chunked (length unknown),
     * 0 without either. The server has checked the value before the handler runs.
     */
    public long contentLength() {
        String te = headers.get("Transfer-Encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            return -1;
        }
        String cl = headers.get("Content-Length");
        return cl == null ? 0 : Long.parseLong(cl.strip());
    }

    /** The request body as it arrives; ends at the end of the body. */
    public InputStream body() {
        return body;
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}
