package dev.berth.core.metadata;

import java.util.List;

/** One schema step: after it runs, {@code PRAGMA user_version} is {@code version}. */
public record Migration(int version, String description, List<String> statements) {
    public Migration {
        statements = List.copyOf(statements);
    }

    public static Migration of(int version, String description, String... statements) {
        return new Migration(version, description, List.of(statements));
    }
}
