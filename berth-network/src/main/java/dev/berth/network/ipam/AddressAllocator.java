package dev.berth.network.ipam;

import dev.berth.core.error.BerthException;
import java.util.Set;

/**
 * Hands out the addresses of one network: the lowest free one of its range (the whole subnet
 * unless {@code --ip-range}), never the subnet's own address, its broadcast address or the
 * gateway; or exactly the one asked for ({@code --ip}), which must be in the subnet and free.
 */
public record AddressAllocator(Subnet subnet, Subnet range, Ipv4 gateway) {
    public AddressAllocator {
        range = range == null ? subnet : range;
    }

    public Ipv4 next(Set<Ipv4> used) {
        Ipv4 from = range.first();
        for (long i = 0; i < range.size(); i++) {
            Ipv4 candidate = from.plus(i);
            if (usable(candidate) && !used.contains(candidate)) {
                return candidate;
            }
        }
        throw BerthException.unavailable("no available IPv4 addresses on this network's address pools: %s", subnet);
    }

    public Ipv4 exactly(Ipv4 wanted, Set<Ipv4> used) {
        if (!subnet.contains(wanted)) {
            throw BerthException.invalid("no configured subnet or ip-range contain the IP address %s", wanted);
        }
        if (!usable(wanted) || used.contains(wanted)) {
            throw BerthException.conflict("Address already in use");
        }
        return wanted;
    }

    private boolean usable(Ipv4 ip) {
        boolean edges = subnet.prefixLength() < 31 && (ip.equals(subnet.first()) || ip.equals(subnet.last()));
        return !edges && !ip.equals(gateway);
    }
}
