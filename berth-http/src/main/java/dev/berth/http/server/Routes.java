package dev.berth.http.server;

/**
 * A group of endpoints (images, containers, blobs, manifests …) that adds itself to a
 * {@link Router}. A composition root constructs each group with the services it needs.
 */
@FunctionalInterface
public interface Routes {
    void register(Router router);
}
