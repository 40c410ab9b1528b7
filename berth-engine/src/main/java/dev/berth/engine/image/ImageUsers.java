package dev.berth.engine.image;

import dev.berth.core.digest.Digest;
import java.util.List;

/**
 * The hook through which containers (a later issue) keep images alive: image removal asks it
 * who uses an image and refuses as Docker does (a running container: cannot be forced; a
 * stopped one: must be forced).
 */
@FunctionalInterface
public interface ImageUsers {
    ImageUsers NONE = imageId -> List.of();

    /** One container using an image. */
    record User(String containerId, boolean running) {}

    List<User> of(Digest imageId);
}
