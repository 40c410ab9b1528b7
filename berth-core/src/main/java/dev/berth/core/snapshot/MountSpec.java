package dev.berth.core.snapshot;

import java.util.List;

/** One mount to perform, as {@code mount(2)} takes it: type, source, options (joined by commas as data). */
public record MountSpec(String type, String source, List<String> options) {
    public MountSpec {
        options = List.copyOf(options);
    }
}
