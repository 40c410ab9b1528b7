package dev.berth.http.server;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What a {@link Handler} returns: a status, extra headers and one of five body kinds. The server
 * adds its service's common headers to every response.
 *
 * <ul>
 *   <li>{@link #status(int)}: no body.
 *   <li>{@link #bytes(int, String, byte[])}: a small fixed body.
 *   <li>{@link #stream(String, StreamBody)}: a chunked body the handler writes (tar exports, logs).
 *   <li>{@link #file(int, String, Path, long, long)}: a region of a file (registry blobs).
 *   <li>{@link #hijack(String, HijackHandler)}: the connection becomes a raw byte pipe (attach, exec).
 * </ul>
 *
 * <p>To a HEAD request the server sends the head alone; a {@code Content-Length} header the
 * handler set stays (RFC 9110 section 9.3.2: the length a GET would have).
 */
public final class Response {
    private final int status;
    private final Map<String, String> headers;
    private final Body body;

    private Response(int status, Map<String, String> headers, Body body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /** {@code status} with an empty body (201 for a tag, 204, 304 for a start of a running container …). */
    public static Response status(int status) {
        return new Response(status, Map.of(), new Body.Empty());
    }

    /** 204 No Content. */
    public static Response noContent() {
        return status(204);
    }

    public static Response bytes(int status, String contentType, byte[] bytes) {
        return new Response(status, Map.of(), new Body.Bytes(contentType, bytes));
    }

    public static Response bytes(String contentType, byte[] bytes) {
        return bytes(200, contentType, bytes);
    }

    public static Response text(String text) {
        return bytes("text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * 200 with a chunked body of {@code contentType} written by {@code body} on the handler's
     * thread. Writes block while the client is slow (backpressure). The header goes out with the
     * first bytes (or a {@code flush()}), so a failure before that is a normal error response; if
     * {@code body} throws after bytes went out, the connection is cut so that the client sees a
     * truncated transfer.
     */
    public static Response stream(String contentType, StreamBody body) {
        return new Response(200, Map.of(), new Body.Stream(contentType, body, null));
    }

    /**
     * As {@link #stream(String, StreamBody)}, but a failure after the header is written as the
     * stream's last bytes ({@code lastWords} of the failure) and the stream ends normally: how
     * Docker's JSON message streams report an error once their 200 is out.
     */
    public static Response stream(String contentType, StreamBody body, Function<Throwable, byte[]> lastWords) {
        return new Response(200, Map.of(), new Body.Stream(contentType, body, lastWords));
    }

    /**
     * {@code length} bytes of {@code file} from {@code offset}, read and sent by the server; the
     * handler checked that the region exists.
     */
    public static Response file(int status, String contentType, Path file, long offset, long length) {
        return new Response(status, Map.of(), new Body.File(contentType, file, offset, length));
    }

    /**
     * Takes over the connection (Docker's attach/exec): answers {@code 101 UPGRADED} with
     * {@code Upgrade: tcp} when the client asked to upgrade, else an HTTP/1.0 200 without length,
     * then hands raw input and output to {@code handler} on the handler's thread. The connection
     * is closed when {@code handler} returns.
     *
     * <p>The upgrade answer goes out when the {@link Handler} returns this response, and the
     * docker CLI starts the container as soon as it reads it: subscribe to the container's output
     * in the Handler, before returning, not inside {@code handler}, or early output is lost.
     */
    public static Response hijack(String contentType, HijackHandler handler) {
        return new Response(200, Map.of(), new Body.Hijack(contentType, handler));
    }

    /** A copy with one more header (replacing one of the same name). */
    public Response withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new Response(status, Collections.unmodifiableMap(copy), body);
    }

    /** A copy with these headers too. */
    public Response withHeaders(Map<String, String> more) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.putAll(more);
        return new Response(status, Collections.unmodifiableMap(copy), body);
    }

    /** A copy with another status, e.g. {@code Response.bytes(…).withStatus(201)}. */
    public Response withStatus(int status) {
        return new Response(status, headers, body);
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public Body body() {
        return body;
    }

    /** Writes a chunked body. */
    @FunctionalInterface
    public interface StreamBody {
        void writeTo(ResponseStream out) throws Exception;
    }

    /** The body kinds; the server's writer switches over them. */
    public sealed interface Body {
        record Empty() implements Body {}

        record Bytes(String contentType, byte[] bytes) implements Body {}

        /** @param lastWords the bytes that end the stream after a late failure, or null to cut it */
        record Stream(String contentType, StreamBody writer, Function<Throwable, byte[]> lastWords) implements Body {}

        record File(String contentType, Path file, long offset, long length) implements Body {}

        record Hijack(String contentType, HijackHandler handler) implements Body {}
    }

    /** The output of a {@link #stream} body: an OutputStream that also tells when the client went away. */
    public abstract static class ResponseStream extends OutputStream {
        /** False once the client disconnected; long-running writers should then stop. */
        public abstract boolean isOpen();

        /** Runs {@code action} (on some other thread) when the client disconnects or the stream ends. */
        public abstract void onClose(Runnable action);
    }
}
