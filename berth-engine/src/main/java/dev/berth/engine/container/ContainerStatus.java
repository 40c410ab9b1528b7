package dev.berth.engine.container;

import java.util.Locale;

/** Docker's State.Status values. */
public enum ContainerStatus {
    CREATED,
    RUNNING,
    PAUSED,
    RESTARTING,
    REMOVING,
    EXITED,
    DEAD;

    /** The lower-case word Docker shows ("running", "exited" …). */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ContainerStatus parse(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }

    /** Running in Docker's sense: has a live process (paused and restarting ones too). */
    public boolean isAlive() {
        return this == RUNNING || this == PAUSED || this == RESTARTING;
    }
}
