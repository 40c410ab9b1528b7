package dev.berth.api.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@link Handler} gets: the method, the path without its {@code /v1.NN} prefix, the
 * negotiated API version, path parameters, query parameters, headers and the body as a stream.
 *
 * <p>The body is read as it arrives (with backpressure, never buffered whole), so uploads of
 * gigabytes are fine; read it before returning the response, or leave it and the server closes
 * the connection after answering.
 */
public final class Request {
    private final String method;
    private final String path;
    private final ApiVersion version;
    private final Map<String, String> params;
    private final Map<String, List<String>> query;
    private final Headers headers;
    private final InputStream body;

    /** Read-only view of the request headers; names are case-insensitive. */
    public interface Headers {
        /** The first value of {@code name}, or {@code null}. */
        String get(String name);

        List<String> getAll(String name);

        static Headers of(Map<String, String> map) {
            Map<String, String> lower = new java.util.HashMap<>();
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

    public Request(
            String method,
            String path,
            ApiVersion version,
            Map<String, String> params,
            Map<String, List<String>> query,
            Headers headers,
            InputStream body) {
        this.method = method;
        this.path = path;
        this.version = version;
        this.params = Map.copyOf(params);
        this.query = Map.copyOf(query);
        this.headers = headers;
        this.body = body;
    }

    public String method() {
        return method;
    }

    /** The decoded path without the {@code /v1.NN} prefix, e.g. {@code /images/busybox/json}. */
    public String path() {
        return path;
    }

    /** The client's API version from the path prefix, or {@link ApiVersion#CURRENT} without one. */
    public ApiVersion version() {
        return version;
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
     * Docker's boolean query parameter ({@code httputils.BoolValue}): false when absent, empty,
     * {@code 0}, {@code no}, {@code false} or {@code none} (any case); true otherwise.
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

    /** The {@code filters} query parameter, parsed. */
    public Filters filters() {
        return Filters.parse(query("filters"));
    }

    /** The first value of header {@code name} (case-insensitive), or {@code null}. */
    public String header(String name) {
        return headers.get(name);
    }

    public Headers headers() {
        return headers;
    }

    /** The request body as it arrives; ends at the end of the body. */
    public InputStream body() {
        return body;
    }

    /**
     * The body parsed as JSON into {@code type}; {@code null} for an empty body. Malformed JSON is
     * a 400 with the parser's message.
     */
    public <T> T json(Class<T> type) {
        try {
            byte[] bytes = body.readAllBytes();
            if (bytes.length == 0 || new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
                return null;
            }
            return Json.MAPPER.readValue(bytes, type);
        } catch (JsonProcessingException e) {
            throw BerthException.invalid("invalid JSON body: %s", Json.firstLine(e));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the request body", e);
        }
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}
