package dev.berth.engine.image;

/**
 * What a long operation (load, import) tells its client as it goes; the API layer turns these
 * calls into Docker's JSON message stream ({@code {"status":…,"progressDetail":…,"id":…}},
 * {@code {"stream":…}}), the CLI into its own display.
 */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {};

    /** A progress bar line for {@code id}: {@code current} of {@code total} bytes (total -1 if unknown). */
    default void progress(String id, String status, long current, long total) {}

    /** A status line, for {@code id} or (null) the whole operation. */
    default void status(String id, String status) {}

    /** Free text as docker prints it, e.g. {@code "Loaded image: busybox:latest\n"}. */
    default void stream(String text) {}
}
