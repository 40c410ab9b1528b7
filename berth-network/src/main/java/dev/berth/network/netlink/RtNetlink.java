package dev.berth.network.netlink;

import dev.berth.core.sys.Libc;
import dev.berth.network.ipam.Ipv4;
import dev.berth.network.ipam.Subnet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The link, address and route operations of rtnetlink(7) that bridges and container interfaces
 * need, over one NETLINK_ROUTE socket of one network namespace (the daemon's, or a container's
 * through {@link #in(NetworkNamespace)}). What `ip link/addr/route` would do, without a process
 * per call.
 */
public final class RtNetlink implements AutoCloseable {
    private final NetlinkSocket socket;

    private RtNetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** rtnetlink in the calling thread's namespace (the daemon's). */
    public static RtNetlink open() {
        return new RtNetlink(NetlinkSocket.open());
    }

    /** rtnetlink inside {@code namespace}: the socket is made there and stays there. */
    public static RtNetlink in(NetworkNamespace namespace) {
        return namespace.call(RtNetlink::open);
    }

    // ---- links --------------------------------------------------------------------------------

    /** Creates a bridge, down; its MAC address is the kernel's random one until a port joins. */
    public void createBridge(String name, int mtu) {
        socket.execute(bridgeMessage(name, mtu), "create bridge " + name);
    }

    static NetlinkMessage bridgeMessage(String name, int mtu) {
        NetlinkMessage m = NetlinkMessage.request(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL)
                .ifinfo(Rtnl.AF_UNSPEC, 0, 0, 0)
                .string(Rtnl.IFLA_IFNAME, name);
        if (mtu > 0) {
            m.u32(Rtnl.IFLA_MTU, mtu);
        }
        return m.beginNest(Rtnl.IFLA_LINKINFO)
                .string(Rtnl.IFLA_INFO_KIND, "bridge")
                .endNest();
    }

    /**
     * Creates a veth pair in one step: {@code name} here, enslaved to {@code master} and up, and its
     * peer {@code peerName} with {@code peerMac} made directly inside the namespace of {@code peerNamespace}
     * (so no interface of the container's ever has a name in the daemon's namespace).
     */
    public void createVeth(
            String name, int master, int mtu, String peerName, byte[] peerMac, NetworkNamespace peerNamespace) {
        int nsFd = peerNamespace.open();
        try {
            socket.execute(vethMessage(name, master, mtu, peerName, peerMac, nsFd), "create veth " + name);
        } finally {
            Libc.close(nsFd, peerNamespace.path());
        }
    }

    static NetlinkMessage vethMessage(String name, int master, int mtu, String peerName, byte[] peerMac, int nsFd) {
        NetlinkMessage m = NetlinkMessage.request(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL)
                .ifinfo(Rtnl.AF_UNSPEC, 0, Rtnl.IFF_UP, Rtnl.IFF_UP)
                .string(Rtnl.IFLA_IFNAME, name);
        if (mtu > 0) {
            m.u32(Rtnl.IFLA_MTU, mtu);
        }
        if (master > 0) {
            m.u32(Rtnl.IFLA_MASTER, master);
        }
        m.beginNest(Rtnl.IFLA_LINKINFO)
                .string(Rtnl.IFLA_INFO_KIND, "veth")
                .beginNest(Rtnl.IFLA_INFO_DATA)
                .beginNest(Rtnl.VETH_INFO_PEER)
                .ifinfo(Rtnl.AF_UNSPEC, 0, 0, 0)
                .string(Rtnl.IFLA_IFNAME, peerName)
                .u32(Rtnl.IFLA_NET_NS_FD, nsFd);
        if (mtu > 0) {
            m.u32(Rtnl.IFLA_MTU, mtu);
        }
        if (peerMac != null) {
            m.attribute(Rtnl.IFLA_ADDRESS, peerMac);
        }
        return m.endNest().endNest().endNest();
    }

    /** Brings an interface up. */
    public void up(int index) {
        socket.execute(
                NetlinkMessage.request(Rtnl.RTM_NEWLINK, 0).ifinfo(Rtnl.AF_UNSPEC, index, Rtnl.IFF_UP, Rtnl.IFF_UP),
                "set link " + index + " up");
    }

    public void setMac(int index, byte[] mac) {
        socket.execute(
                NetlinkMessage.request(Rtnl.RTM_NEWLINK, 0)
                        .ifinfo(Rtnl.AF_UNSPEC, index, 0, 0)
                        .attribute(Rtnl.IFLA_ADDRESS, mac),
                "set MAC address of link " + index);
    }

    public void deleteLink(int index, String nameForErrors) {
        socket.execute(
                NetlinkMessage.request(Rtnl.RTM_DELLINK, 0).ifinfo(Rtnl.AF_UNSPEC, index, 0, 0),
                "delete link " + nameForErrors);
    }

    /** The interface called {@code name}, if there is one. */
    public Optional<Link> link(String name) {
        return links().stream().filter(l -> l.name().equals(name)).findFirst();
    }

    public List<Link> links() {
        List<Link> links = new ArrayList<>();
        NetlinkMessage m = NetlinkMessage.request(Rtnl.RTM_GETLINK, 0).ifinfo(Rtnl.AF_UNSPEC, 0, 0, 0);
        for (NetlinkReply r : socket.dump(m, "list links")) {
            if (r.type() != Rtnl.RTM_NEWLINK) {
                continue;
            }
            int index = r.payload().getInt(4);
            int flags = r.payload().getInt(8);
            Attributes a = Attributes.parse(r.payload(), 16);
            String kind = a.nested(Rtnl.IFLA_LINKINFO).string(Rtnl.IFLA_INFO_KIND);
            links.add(new Link(
                    index,
                    a.string(Rtnl.IFLA_IFNAME),
                    flags,
                    (int) a.u32(Rtnl.IFLA_MASTER, 0),
                    kind == null ? "" : kind,
                    a.bytes(Rtnl.IFLA_ADDRESS),
                    (int) a.u32(Rtnl.IFLA_MTU, 0)));
        }
        return links;
    }

    // ---- addresses ----------------------------------------------------------------------------

    /** Adds {@code address} in {@code subnet}'s prefix to an interface, with the subnet's broadcast address. */
    public void addAddress(int index, Ipv4 address, Subnet subnet) {
        socket.execute(
                NetlinkMessage.request(Rtnl.RTM_NEWADDR, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL)
                        .ifaddr(Rtnl.AF_INET, subnet.prefixLength(), Rtnl.RT_SCOPE_UNIVERSE, index)
                        .attribute(Rtnl.IFA_LOCAL, address.bytes())
                        .attribute(Rtnl.IFA_ADDRESS, address.bytes())
                        .attribute(Rtnl.IFA_BROADCAST, subnet.last().bytes()),
                "add address " + address + "/" + subnet.prefixLength() + " to link " + index);
    }

    /** The IPv4 addresses of every interface, with their prefixes, keyed by nothing: (index, address/prefix). */
    public List<InterfaceAddress> addresses() {
        List<InterfaceAddress> all = new ArrayList<>();
        NetlinkMessage m = NetlinkMessage.request(Rtnl.RTM_GETADDR, 0).ifaddr(Rtnl.AF_INET, 0, 0, 0);
        for (NetlinkReply r : socket.dump(m, "list addresses")) {
            if (r.type() != Rtnl.RTM_NEWADDR || (r.payload().get(0) & 0xff) != Rtnl.AF_INET) {
                continue;
            }
            int prefix = r.payload().get(1) & 0xff;
            int index = r.payload().getInt(4);
            Attributes a = Attributes.parse(r.payload(), 8);
            byte[] local = a.has(Rtnl.IFA_LOCAL) ? a.bytes(Rtnl.IFA_LOCAL) : a.bytes(Rtnl.IFA_ADDRESS);
            if (local != null && local.length == 4) {
                all.add(new InterfaceAddress(index, new Subnet(Ipv4.of(local), prefix)));
            }
        }
        return all;
    }

    /** One IPv4 address of an interface, with its prefix length. */
    public record InterfaceAddress(int index, Subnet address) {}

    // ---- routes -------------------------------------------------------------------------------

    /** Adds the default route via {@code gateway} out of interface {@code index}. */
    public void addDefaultRoute(Ipv4 gateway, int index) {
        socket.execute(
                NetlinkMessage.request(Rtnl.RTM_NEWROUTE, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL)
                        .rtmsg(
                                Rtnl.AF_INET,
                                0,
                                Rtnl.RT_TABLE_MAIN,
                                Rtnl.RTPROT_BOOT,
                                Rtnl.RT_SCOPE_UNIVERSE,
                                Rtnl.RTN_UNICAST)
                        .attribute(Rtnl.RTA_GATEWAY, gateway.bytes())
                        .u32(Rtnl.RTA_OIF, index),
                "add default route via " + gateway);
    }

    /** The IPv4 routes of the main table. */
    public List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        NetlinkMessage m = NetlinkMessage.request(Rtnl.RTM_GETROUTE, 0).rtmsg(Rtnl.AF_INET, 0, 0, 0, 0, 0);
        for (NetlinkReply r : socket.dump(m, "list routes")) {
            if (r.type() != Rtnl.RTM_NEWROUTE) {
                continue;
            }
            int dstLength = r.payload().get(1) & 0xff;
            Attributes a = Attributes.parse(r.payload(), 12);
            long table = a.u32(Rtnl.RTA_TABLE, r.payload().get(4) & 0xff);
            if (table != Rtnl.RT_TABLE_MAIN) {
                continue;
            }
            byte[] dst = a.bytes(Rtnl.RTA_DST);
            byte[] gw = a.bytes(Rtnl.RTA_GATEWAY);
            routes.add(new Route(
                    new Subnet(dst == null ? new Ipv4(0) : Ipv4.of(dst), dstLength),
                    gw == null ? null : Ipv4.of(gw),
                    (int) a.u32(Rtnl.RTA_OIF, 0)));
        }
        return routes;
    }

    @Override
    public void close() {
        socket.close();
    }
}
