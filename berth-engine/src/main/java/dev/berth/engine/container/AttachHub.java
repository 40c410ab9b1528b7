package dev.berth.engine.container;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The attach point of one container, across its runs: attached clients receive the output of the
 * current (or next) run, and write to its stdin. {@code docker run} attaches before it starts the
 * container, so listeners and stdin writers wait for the run to begin.
 */
public final class AttachHub {
    private final List<OutputListener> listeners = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<OutputStream> stdin = new CompletableFuture<>();

    public Runnable subscribe(OutputListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void publish(String stream, byte[] chunk) {
        for (OutputListener l : listeners) {
            try {
                l.output(stream, chunk);
            } catch (RuntimeException e) {
                listeners.remove(l); // a client that went away
            }
        }
    }

    /** A run begins with this stdin (null when the container has no open stdin). */
    void runStarted(OutputStream runStdin) {
        if (runStdin == null) {
            stdin.complete(OutputStream.nullOutputStream());
        } else {
            stdin.complete(runStdin);
        }
    }

    /** The run's output is over: listeners end and are dropped; stdin waits for the next run. */
    void runEnded() {
        for (OutputListener l : listeners) {
            l.ended();
        }
        listeners.clear();
        if (stdin.isDone()) {
            stdin = new CompletableFuture<>();
        }
    }

    /** The stdin of the current run, once it has begun. */
    public CompletableFuture<OutputStream> stdin() {
        return stdin;
    }

    static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException ignored) {
            // the container went away first
        }
    }
}
