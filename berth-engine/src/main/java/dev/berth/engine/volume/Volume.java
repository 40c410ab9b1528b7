package dev.berth.engine.volume;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * One volume as stored.
 *
 * @param options    the local driver's options (type, device, o); empty for a plain directory
 * @param anonymous  made without a name; {@code volume prune} without {@code all=true} removes only these
 * @param mountpoint {@code <data-root>/volumes/<name>/_data}
 */
public record Volume(
        String name,
        String driver,
        Map<String, String> labels,
        Map<String, String> options,
        boolean anonymous,
        Instant created,
        Path mountpoint) {

    public Volume {
        labels = Map.copyOf(labels);
        options = Map.copyOf(options);
    }

    /** Docker's label on anonymous volumes (moby volume/service.AnonymousLabel). */
    public static final String ANONYMOUS_LABEL = "com.docker.volume.anonymous";

    /** Whether a filesystem is mounted on the mountpoint when used (driver options given). */
    public boolean mountsDevice() {
        return !options.isEmpty();
    }
}
