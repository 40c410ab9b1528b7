package dev.berth.network;

import dev.berth.network.ipam.Ipv4;
import dev.berth.network.ipam.Subnet;
import dev.berth.network.netlink.Link;
import dev.berth.network.netlink.Route;
import dev.berth.network.netlink.RtNetlink;
import java.security.SecureRandom;
import java.util.List;

/**
 * The Linux side of bridge networks: a bridge with the gateway address, up, made or repaired to
 * match its row; and removed. Every call is idempotent, so start-up can simply call it again.
 */
final class Bridges {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int mtu;
    private final boolean routeLocalnet;

    /**
     * @param routeLocalnet the userland proxy is off: the host's 127.0.0.1 reaches published ports by
     *                      DNAT, which needs the bridge to route loopback-sourced packets
     */
    Bridges(int mtu, boolean routeLocalnet) {
        this.mtu = mtu;
        this.routeLocalnet = routeLocalnet;
    }

    /** The bridge of {@code n} exists, holds its gateway address and is up; returns its index. */
    int ensure(Network n) {
        try (RtNetlink nl = RtNetlink.open()) {
            Link link = nl.link(n.bridge()).orElse(null);
            if (link == null) {
                nl.createBridge(n.bridge(), mtu(n));
                link = nl.link(n.bridge()).orElseThrow();
                // a fixed address of its own, as dockerd gives its bridges: else the bridge takes
                // the lowest MAC of its ports, and changes it as containers come and go
                nl.setMac(link.index(), randomMac());
            }
            int index = link.index();
            Subnet wanted = new Subnet(n.gateway(), n.subnet().prefixLength());
            boolean hasAddress = nl.addresses().stream()
                    .anyMatch(a -> a.index() == index && a.address().equals(wanted));
            if (!hasAddress) {
                nl.addAddress(index, n.gateway(), n.subnet().network());
            }
            if (!link.isUp()) {
                nl.up(index);
            }
            if (routeLocalnet) {
                try {
                    java.nio.file.Files.writeString(
                            java.nio.file.Path.of("/proc/sys/net/ipv4/conf", n.bridge(), "route_localnet"), "1");
                } catch (java.io.IOException e) {
                    throw dev.berth.core.error.BerthException.unavailable(
                            "cannot set route_localnet on %s: %s", n.bridge(), e.getMessage());
                }
            }
            return index;
        }
    }

    void remove(String bridge) {
        try (RtNetlink nl = RtNetlink.open()) {
            nl.link(bridge).ifPresent(l -> nl.deleteLink(l.index(), bridge));
        }
    }

    /** The prefixes of the host's routes (the default route left out), which a new subnet must not overlap. */
    static List<Subnet> hostRoutes() {
        try (RtNetlink nl = RtNetlink.open()) {
            return nl.routes().stream()
                    .map(Route::destination)
                    .filter(d -> d.prefixLength() > 0)
                    .toList();
        }
    }

    /** The index of a bridge, or 0 when it is not there. */
    static int index(String bridge) {
        try (RtNetlink nl = RtNetlink.open()) {
            return nl.link(bridge).map(Link::index).orElse(0);
        }
    }

    private int mtu(Network n) {
        String option = n.options().get(NetworkOptions.MTU);
        return option == null ? mtu : Integer.parseInt(option);
    }

    /** A random unicast, locally administered MAC address. */
    static byte[] randomMac() {
        byte[] mac = new byte[6];
        RANDOM.nextBytes(mac);
        mac[0] = (byte) ((mac[0] & 0xfe) | 0x02);
        return mac;
    }

    /** Docker's container MAC on a bridge: 02:42 and the four bytes of the address. */
    static String macFor(Ipv4 ip) {
        byte[] b = ip.bytes();
        return String.format("02:42:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3]);
    }
}
