package dev.berth.network;

import dev.berth.core.error.BerthException;
import dev.berth.network.netlink.Link;
import dev.berth.network.netlink.NetworkNamespace;
import dev.berth.network.netlink.RtNetlink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's side of a container's endpoints, all through rtnetlink: a veth per bridge network
 * whose container end is made directly in the container's namespace (eth0, eth1 …) with its MAC,
 * its address, up; loopback up; the default route through the first network that leads out.
 */
final class Plumbing {
    private static final Logger LOG = LoggerFactory.getLogger(Plumbing.class);

    private final int defaultMtu;
    private final boolean hairpin;

    /** @param hairpin the userland proxy is off: a container may reach its own published port through the host */
    Plumbing(int defaultMtu, boolean hairpin) {
        this.defaultMtu = defaultMtu;
        this.hairpin = hairpin;
    }

    /** One endpoint to plumb: its network and lease, and the interface name it gets inside. */
    record Attached(Network network, Endpoint.Lease lease, String interfaceName) {}

    /** A new network namespace gets its loopback up, as runc leaves it for Docker's none too. */
    void loopbackUp(NetworkNamespace ns) {
        try (RtNetlink inside = RtNetlink.in(ns)) {
            inside.up(inside.link("lo").orElseThrow().index());
        }
    }

    void attach(NetworkNamespace ns, List<Attached> ends) {
        if (ends.isEmpty()) {
            return; // none: not even the sockets (one costs a thread that enters the namespace)
        }
        try (RtNetlink host = RtNetlink.open();
                RtNetlink inside = RtNetlink.in(ns)) {
            for (Attached a : ends) {
                Link bridge = host.link(a.network().bridge())
                        .orElseThrow(() -> BerthException.unavailable(
                                "the bridge %s of network %s is missing",
                                a.network().bridge(), a.network().name()));
                host.createVeth(
                        a.lease().hostInterface(),
                        bridge.index(),
                        mtu(a.network()),
                        a.interfaceName(),
                        mac(a.lease().mac()),
                        ns);
                if (hairpin) {
                    write(Path.of("/sys/class/net", a.lease().hostInterface(), "brport/hairpin_mode"), "1");
                }
                Link inner = inside.link(a.interfaceName()).orElseThrow();
                inside.addAddress(
                        inner.index(), a.lease().ip(), a.network().subnet().network());
                inside.up(inner.index());
            }
            boolean hasDefault =
                    inside.routes().stream().anyMatch(r -> r.destination().prefixLength() == 0);
            if (!hasDefault) {
                for (Attached a : ends) {
                    if (!a.network().internal()) {
                        int index = inside.link(a.interfaceName()).orElseThrow().index();
                        inside.addDefaultRoute(a.network().gateway(), index);
                        break;
                    }
                }
            }
        }
    }

    /** The first ethN not yet taken inside the namespace (a network connected to a running container). */
    String nextInterface(NetworkNamespace ns) {
        try (RtNetlink inside = RtNetlink.in(ns)) {
            List<String> names = inside.links().stream().map(Link::name).toList();
            for (int i = 0; ; i++) {
                if (!names.contains("eth" + i)) {
                    return "eth" + i;
                }
            }
        }
    }

    /** Removes the host side of a veth if it is still there (its peer goes with it). */
    void detach(String hostInterface) {
        if (hostInterface == null) {
            return;
        }
        try (RtNetlink host = RtNetlink.open()) {
            host.link(hostInterface).ifPresent(l -> host.deleteLink(l.index(), hostInterface));
        } catch (BerthException e) {
            LOG.debug("veth {}: {}", hostInterface, e.getMessage());
        }
    }

    private int mtu(Network n) {
        String option = n.options().get(NetworkOptions.MTU);
        return option == null ? defaultMtu : Integer.parseInt(option);
    }

    static byte[] mac(String text) {
        return HexFormat.of().parseHex(text.replace(":", ""));
    }

    private static void write(Path file, String value) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw BerthException.unavailable("cannot write %s: %s", file, e.getMessage());
        }
    }
}
