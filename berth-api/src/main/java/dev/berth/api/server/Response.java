package dev.berth.api.server;

import java.io.OutputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link Handler} returns: a status, extra headers and one of five body kinds. The server
 * adds Docker's headers ({@code Api-Version}, {@code Server}, …) to every response.
 *
 * <ul>
 *   <li>{@link #json(Object)}: one JSON document ({@code application/json}, newline-terminated like Docker's).</li>
 *   <li>{@link #noContent()} / {@link #status(int)}: no body.</li>
 *   <li>{@link #bytes(String, byte[])}: a small fixed body.</li>
 *   <li>{@link #stream(String, StreamBody)}: a chunked body the handler writes (tar exports, logs).</li>
 *   <li>{@link #messages(MessageBody)}: Docker's JSON message stream (progress of load/pull, events).</li>
 *   <li>{@link #hijack(String, HijackHandler)}: the connection becomes a raw byte pipe (attach, exec).</li>
 * </ul>
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

    /** 200 with {@code value} as JSON. */
    public static Response json(Object value) {
        return json(200, value);
    }

    public static Response json(int status, Object value) {
        return new Response(status, Map.of(), new Body.Bytes("application/json", Json.encodeLine(value)));
    }

    /** 204 No Content. */
    public static Response noContent() {
        return status(204);
    }

    /** {@code status} with an empty body (201 for tag, 304 for start of a running container …). */
    public static Response status(int status) {
        return new Response(status, Map.of(), new Body.Empty());
    }

    public static Response bytes(String contentType, byte[] bytes) {
        return new Response(200, Map.of(), new Body.Bytes(contentType, bytes));
    }

    public static Response text(String text) {
        return bytes("text/plain; charset=utf-8", text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * 200 with a chunked body of {@code contentType} written by {@code body} on the handler's
     * thread. Writes block while the client is slow (backpressure). If {@code body} throws after
     * bytes went out, the connection is cut so that the client sees a truncated transfer.
     */
    public static Response stream(String contentType, StreamBody body) {
        return new Response(200, Map.of(), new Body.Stream(contentType, body));
    }

    /**
     * 200 with Docker's JSON message stream ({@code application/json}, one JSON object per line,
     * flushed per message). Headers go out with the first message (or {@link MessageStream#flushHeaders()}),
     * so an exception thrown before that is answered as a normal error response; one thrown after
     * is sent as {@code {"errorDetail":{"message":…},"error":…}} as Docker does.
     */
    public static Response messages(MessageBody body) {
        return new Response(200, Map.of(), new Body.Messages(body));
    }

    /**
     * Takes over the connection (Docker's attach/exec): answers {@code 101 UPGRADED} with
     * {@code Upgrade: tcp} when the client asked to upgrade, else a 200 without length, then hands
     * raw input and output to {@code handler} on the handler's thread. The connection is closed
     * when {@code handler} returns. {@code contentType} is
     * {@code application/vnd.docker.raw-stream} or {@code application/vnd.docker.multiplexed-stream}.
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

    /** A copy with another status, e.g. {@code Response.json(x).withStatus(201)}. */
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

    /** Writes a JSON message stream. */
    @FunctionalInterface
    public interface MessageBody {
        void writeTo(MessageStream out) throws Exception;
    }

    /** The body kinds; the server's writer switches over them. */
    public sealed interface Body {
        record Empty() implements Body {}

        record Bytes(String contentType, byte[] bytes) implements Body {}

        record Stream(String contentType, StreamBody writer) implements Body {}

        record Messages(MessageBody writer) implements Body {}

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
