package dev.berth.network.dns;

import dev.berth.network.ipam.Ipv4;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * What the embedded DNS server knows, always as seen by one asking container: only the networks it
 * shares with a name's owner count, as in Docker.
 */
public interface DnsRecords {
    /**
     * The addresses of {@code name} (lower case, no trailing dot): a container's name, an alias, a
     * short ID, or any of them followed by "." and a network's name. Empty when it is not one.
     */
    List<Ipv4> addresses(String askingContainer, String name);

    /** The name of the container at {@code ip} ("name.network"), or null. */
    String nameOf(String askingContainer, Ipv4 ip);

    /** The servers other names are forwarded to, in order; empty when the container may not ask outside. */
    List<InetSocketAddress> upstream(String askingContainer);
}
