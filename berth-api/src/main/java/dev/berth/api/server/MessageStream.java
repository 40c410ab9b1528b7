package dev.berth.api.server;

import dev.berth.http.server.Response;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Docker's JSON message stream as a {@link #response} body writes it: each {@link #send} is one
 * JSON document and a newline, flushed at once so that the client renders progress as it
 * happens. Use {@link JsonMessage} for progress and {@code stream} lines, or any record for other
 * streams (events).
 */
public interface MessageStream {
    /** Sends one message; throws when the client is gone. */
    void send(Object message) throws IOException;

    /**
     * {@link #send} for progress listeners, which cannot throw {@link IOException}: a client that
     * went away fails the send unchecked, which stops the work that reports to it.
     */
    default void sendOrStop(Object message) {
        try {
            send(message);
        } catch (IOException e) {
            throw new UncheckedIOException("client went away", e);
        }
    }

    /** Commits the 200 header now, before any message (event streams do, so clients see them connected). */
    void flushHeaders() throws IOException;

    /** False once the client disconnected. */
    boolean isOpen();

    /** Runs {@code action} (on some other thread) when the client disconnects or the stream ends. */
    void onClose(Runnable action);

    /** Writes a JSON message stream. */
    @FunctionalInterface
    interface Body {
        void writeTo(MessageStream out) throws Exception;
    }

    /**
     * 200 with Docker's JSON message stream ({@code application/json}, one JSON object per line,
     * flushed per message). Headers go out with the first message (or {@link #flushHeaders()}),
     * so an exception thrown before that is answered as a normal error response; one thrown after
     * is sent as {@code {"errorDetail":{"message":…},"error":…}}, as Docker does.
     */
    static Response response(Body body) {
        return Response.stream(
                "application/json",
                out -> body.writeTo(new MessageStream() {
                    @Override
                    public void send(Object message) throws IOException {
                        out.write(Json.encodeLine(message));
                        out.flush();
                    }

                    @Override
                    public void flushHeaders() throws IOException {
                        out.flush();
                    }

                    @Override
                    public boolean isOpen() {
                        return out.isOpen();
                    }

                    @Override
                    public void onClose(Runnable action) {
                        out.onClose(action);
                    }
                }),
                failure -> Json.encodeLine(JsonMessage.error(ErrorMapping.message(failure))));
    }
}
