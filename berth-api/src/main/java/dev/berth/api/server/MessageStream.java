package dev.berth.api.server;

import java.io.IOException;

/**
 * Docker's JSON message stream as a {@link Response#messages} body writes it: each
 * {@link #send} is one JSON document and a newline, flushed at once so that the client renders
 * progress as it happens. Use {@link JsonMessage} for progress and {@code stream} lines, or any
 * record for other streams (events).
 */
public interface MessageStream {
    /** Sends one message; throws when the client is gone. */
    void send(Object message) throws IOException;

    /** Commits the 200 header now, before any message (event streams do, so clients see them connected). */
    void flushHeaders() throws IOException;

    /** False once the client disconnected. */
    boolean isOpen();

    /** Runs {@code action} (on some other thread) when the client disconnects or the stream ends. */
    void onClose(Runnable action);
}
