package dev.berth.api.image;

import dev.berth.api.server.JsonMessage;
import dev.berth.api.server.MessageStream;
import dev.berth.engine.image.ProgressListener;

/** Adapts the engine's {@link ProgressListener} to Docker's JSON message stream; {@code quiet} drops progress bars. */
final class ProgressMessages implements ProgressListener {
    private final MessageStream out;
    private final boolean quiet;

    ProgressMessages(MessageStream out, boolean quiet) {
        this.out = out;
        this.quiet = quiet;
    }

    @Override
    public void progress(String id, String status, long current, long total) {
        if (!quiet) {
            send(JsonMessage.progress(id == null || id.isEmpty() ? null : id, status, current, total));
        }
    }

    @Override
    public void status(String id, String status) {
        send(JsonMessage.status(id, status));
    }

    @Override
    public void stream(String text) {
        send(JsonMessage.stream(text));
    }

    private void send(JsonMessage message) {
        out.sendOrStop(message);
    }
}
