package dev.berth.network.firewall;

import dev.berth.network.ipam.Ipv4;

/**
 * One published port: traffic to {@code hostIp:hostPort} (any local address when hostIp is
 * null) goes to {@code containerIp:containerPort} on {@code bridge}.
 */
public record PortRule(
        String protocol, Ipv4 hostIp, int hostPort, String bridge, Ipv4 containerIp, int containerPort) {}
