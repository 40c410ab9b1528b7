package dev.berth.network.ipam;

import dev.berth.core.error.BerthException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Picks the subnet of a network created without one, as libnetwork does: the first subnet of the
 * pools that overlaps no route of the host, no other network and no nameserver of the host.
 */
public final class SubnetChooser {
    private final List<AddressPool> pools;

    public SubnetChooser(List<AddressPool> pools) {
        this.pools = List.copyOf(pools);
    }

    /**
     * @param inUse       prefixes that must not be overlapped: the host's routes (the default route
     *                    left out) and the subnets of existing networks
     * @param nameservers the host's nameservers, which must stay reachable
     */
    public Subnet choose(Collection<Subnet> inUse, Collection<Ipv4> nameservers) {
        return firstFree(inUse, nameservers)
                .orElseThrow(() -> BerthException.unavailable(
                        "could not find an available, non-overlapping IPv4 address pool among the defaults to"
                                + " assign to the network"));
    }

    Optional<Subnet> firstFree(Collection<Subnet> inUse, Collection<Ipv4> nameservers) {
        return pools.stream()
                .flatMap(AddressPool::subnets)
                .filter(s -> inUse.stream().noneMatch(s::overlaps))
                .filter(s -> nameservers.stream().noneMatch(s::contains))
                .findFirst();
    }
}
