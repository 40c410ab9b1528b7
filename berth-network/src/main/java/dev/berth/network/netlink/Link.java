package dev.berth.network.netlink;

/**
 * A network interface as RTM_GETLINK reports it.
 *
 * @param master the index of the bridge it is enslaved to, 0 when none
 * @param kind   IFLA_INFO_KIND ("bridge", "veth" …), empty for a physical or loopback device
 */
public record Link(int index, String name, int flags, int master, String kind, byte[] mac, int mtu) {
    public boolean isUp() {
        return (flags & Rtnl.IFF_UP) != 0;
    }
}
