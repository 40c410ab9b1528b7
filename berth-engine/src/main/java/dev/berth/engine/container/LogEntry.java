package dev.berth.engine.container;

import java.time.Instant;

/** One logged line (with its newline, unless the output ended without one) of stdout or stderr. */
public record LogEntry(String stream, Instant time, byte[] line) {
    public boolean isStderr() {
        return "stderr".equals(stream);
    }
}
