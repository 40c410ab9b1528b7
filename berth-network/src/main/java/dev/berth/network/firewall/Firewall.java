package dev.berth.network.firewall;

import java.util.List;

/**
 * The packet filter and NAT rules of one daemon's networks and published ports. The rules are a
 * function of the state: {@link #apply} is always given all of it, so applying after any change,
 * or at start-up after a crash, leaves exactly the rules the state needs.
 */
public interface Firewall {
    /** Makes the daemon's chains and the jumps into them from the built-in chains. */
    void install();

    /** Replaces the content of the daemon's chains with the rules for these networks and ports. */
    void apply(List<BridgeRules> networks, List<PortRule> ports);

    /** Removes the jumps and the daemon's chains. */
    void uninstall();

    /**
     * Sets the FORWARD chain's policy to DROP, as dockerd does when it is the one that turned IPv4
     * forwarding on: the host then routes only what the daemon's rules accept.
     */
    void dropForwardedByDefault();

    /** {@code --iptables=false}: the daemon leaves the host's rules alone. */
    Firewall NONE = new Firewall() {
        @Override
        public void install() {}

        @Override
        public void apply(List<BridgeRules> networks, List<PortRule> ports) {}

        @Override
        public void uninstall() {}

        @Override
        public void dropForwardedByDefault() {}
    };
}
