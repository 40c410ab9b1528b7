package dev.berth.daemon;

import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * The daemon's identity ({@code /info} ID), stable across restarts like Docker's engine-id:
 * made once, written to a temporary file and renamed into {@code <data-root>/engine-id}.
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
            Path temporary = dataRoot.resolve("engine-id.tmp");
            Files.writeString(temporary, id + "\n");
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return id;
        } catch (IOException e) {
            throw BerthException.internal("cannot read or write " + file + ": " + e.getMessage(), e);
        }
    }
}
