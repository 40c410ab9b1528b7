package dev.berth.build.builder;

import dev.berth.engine.image.ProgressListener;

/**
 * Where a build reports progress, in the pieces dockerd's classic builder writes: stdout text
 * ({@link #stream}: {@code Step 1/3 : FROM busybox}, {@code  ---> 1a2b3c4d5e6f}, a RUN's output),
 * stderr text (a RUN's error output, which the API colours as dockerd does), the progress of a
 * base image's pull, and the ID of each stage's image (the {@code aux} message that
 * {@code docker build -q} and {@code --iidfile} read).
 */
public interface BuildOutput extends ProgressListener {
    BuildOutput NONE = new BuildOutput() {};

    default void stderr(String text) {}

    default void imageId(String id) {}
}
