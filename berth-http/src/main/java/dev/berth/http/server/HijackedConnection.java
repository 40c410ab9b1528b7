package dev.berth.http.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A connection taken over by {@link Response#hijack}: raw bytes both ways, no HTTP framing.
 * Attach and exec read the client's stdin from {@link #input()} (it ends when the client
 * half-closes, as {@code docker} does at the end of piped stdin; over TLS a close_notify is that
 * half-close) and write the container's output to {@link #output()}.
 */
public interface HijackedConnection {
    /** Bytes from the client; end of stream when the client closes or half-closes its side. */
    InputStream input();

    /** Bytes to the client; every write is sent (flush is implicit), blocking while the client is slow. */
    OutputStream output();

    /** Half-closes: the client sees end of output while it may still send input. */
    void closeWrite() throws IOException;

    /** False once the client disconnected. */
    boolean isOpen();

    /** Runs {@code action} (on some other thread) when the connection closes. */
    void onClose(Runnable action);
}
