package dev.berth.network.netlink;

import dev.berth.network.ipam.Ipv4;
import dev.berth.network.ipam.Subnet;

/**
 * An IPv4 route of the main table.
 *
 * @param destination the prefix it leads to (0.0.0.0/0 for the default route)
 * @param gateway     the next hop, or null for a directly connected prefix
 * @param device      the output interface index, 0 when none
 */
public record Route(Subnet destination, Ipv4 gateway, int device) {}
