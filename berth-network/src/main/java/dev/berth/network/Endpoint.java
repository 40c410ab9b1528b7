package dev.berth.network;

import dev.berth.network.ipam.Ipv4;

/**
 * A container on a network. {@code lease} is what it holds while it runs (null otherwise).
 *
 * @param containerName without Docker's leading '/'
 */
public record Endpoint(String networkId, String containerId, String containerName, EndpointConfig config, Lease lease) {

    /**
     * @param hostInterface the host side of the container's veth (null on host and none)
     */
    public record Lease(String endpointId, Ipv4 ip, String mac, String hostInterface) {}

    public boolean running() {
        return lease != null;
    }
}
