package dev.berth.network.port;

import dev.berth.network.ipam.Ipv4;

/**
 * A host port a running container's published port holds.
 *
 * @param networkId the network whose address of the container the port leads to
 * @param hostIp    0.0.0.0 for every address of the host
 */
public record PortMapping(
        String containerId, String networkId, String protocol, int containerPort, Ipv4 hostIp, int hostPort) {
    /** Docker's "80/tcp" key of a container port. */
    public String key() {
        return containerPort + "/" + protocol;
    }
}
