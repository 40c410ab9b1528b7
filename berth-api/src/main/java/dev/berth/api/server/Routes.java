package dev.berth.api.server;

/**
 * A group of endpoints (images, containers, system …) that adds itself to a {@link Router}.
 * The daemon's composition root constructs each group with the services it needs and passes them
 * all to the router.
 */
@FunctionalInterface
public interface Routes {
    void register(Router router);
}
