package dev.berth.network;

import java.util.Map;

/** Where network events go (the daemon's event stream): create, connect, disconnect, destroy. */
@FunctionalInterface
public interface NetworkEvents {
    /** @param attributes besides the network's name and type, e.g. the container of a connect */
    void publish(String action, Network network, Map<String, String> attributes);
}
