package dev.berth.network.firewall;

import dev.berth.network.ipam.Subnet;

/**
 * What one bridge network needs from the firewall.
 *
 * @param icc        containers on the bridge may talk to each other
 *                   ({@code com.docker.network.bridge.enable_icc}, the daemon's {@code --icc})
 * @param masquerade outbound traffic leaves with the host's address
 *                   ({@code com.docker.network.bridge.enable_ip_masquerade})
 * @param internal   no traffic in or out of the subnet ({@code --internal})
 */
public record BridgeRules(String bridge, Subnet subnet, boolean icc, boolean masquerade, boolean internal) {}
