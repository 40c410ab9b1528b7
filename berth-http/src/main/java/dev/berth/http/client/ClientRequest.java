package dev.berth.http.client;

import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * One request: method, request target (the path with its percent-encoded query), headers in
 * order, and a body that is none, a few bytes, or a stream sent as it is read.
 */
public final class ClientRequest {
    /** The body kinds. */
    public sealed interface Body {
        record None() implements Body {}

        record Bytes(byte[] bytes) implements Body {}

        /**
         * @param source opens the bytes; called again when the request is sent again (after a
         *     stale pooled connection), so it must give the same bytes each time, or be {@code once}
         * @param length the byte count, or -1 to send it chunked
         * @param once the source can be read only once (stdin): the request is never sent again
         */
        record Stream(Supplier<InputStream> source, long length, boolean once) implements Body {}
    }

    private final String method;
    private final String target;
    private final List<String[]> headers = new ArrayList<>();
    private Body body = new Body.None();

    private ClientRequest(String method, String target) {
        this.method = method;
        this.target = target;
    }

    /** {@code target}: the path and query as sent ({@code /v2/a/blobs/sha256:…?x=1}). */
    public static ClientRequest of(String method, String target) {
        return new ClientRequest(method, target.isEmpty() ? "/" : target);
    }

    /** A request for {@code uri}: its path (or {@code /}) and query as the target; the origin goes to a {@link Target}. */
    public static ClientRequest of(String method, URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return of(method, uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery());
    }

    public ClientRequest header(String name, String value) {
        headers.add(new String[] {name, value});
        return this;
    }

    public ClientRequest body(byte[] bytes) {
        this.body = new Body.Bytes(bytes);
        return this;
    }

    /** A body opened by {@code source} each time the request is sent; {@code length} -1: chunked. */
    public ClientRequest body(Supplier<InputStream> source, long length) {
        this.body = new Body.Stream(source, length, false);
        return this;
    }

    /** A body that can be read once (stdin, a pipe); {@code length} -1: chunked. */
    public ClientRequest bodyOnce(InputStream source, long length) {
        this.body = new Body.Stream(() -> source, length, true);
        return this;
    }

    public String method() {
        return method;
    }

    public String target() {
        return target;
    }

    public Body body() {
        return body;
    }

    List<String[]> headers() {
        return headers;
    }

    /** The first value of {@code name} the request carries, or null. */
    public String header(String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    /** True when the request may be sent again as it is. */
    boolean replayable() {
        return !(body instanceof Body.Stream s && s.once());
    }

    /** True when the caller asked to end the connection after the answer. */
    boolean closes() {
        String connection = header("Connection");
        return connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
    }

    @Override
    public String toString() {
        return method + " " + target;
    }
}
