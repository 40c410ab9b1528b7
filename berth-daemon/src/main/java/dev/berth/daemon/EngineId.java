package dev.berth.daemon;

import dev.berth.core.error.BerthException;
import dev.berth.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The daemon's identity ({@code /info} ID), stable across restarts like Docker's engine-id:
 * made once and written durably to {@code <data-root>/engine-id}.
 */
final class EngineId {
    private EngineId() {}

    static String loadOrCreate(Path dataRoot) {
        Path file = dataRoot.resolve("engine-id");
        try {
            if (Files.exists(file)) {
                return Files.readString(file).strip();
            }
            String id = UUID.randomUUID().toString();
            AtomicFiles.write(file, (id + "\n").getBytes(StandardCharsets.US_ASCII));
            return id;
        } catch (IOException e) {
            throw BerthException.internal("cannot read or write " + file + ": " + e.getMessage(), e);
        }
    }
}
