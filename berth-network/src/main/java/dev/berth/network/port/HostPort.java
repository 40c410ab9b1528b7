package dev.berth.network.port;

import dev.berth.network.ipam.Ipv4;

/** A host port held by a published port: the same port of one protocol on 0.0.0.0 clashes with every address. */
public record HostPort(String protocol, Ipv4 ip, int port) {
    public boolean clashes(HostPort other) {
        return protocol.equals(other.protocol)
                && port == other.port
                && (ip.equals(other.ip) || ip.isUnspecified() || other.ip.isUnspecified());
    }
}
