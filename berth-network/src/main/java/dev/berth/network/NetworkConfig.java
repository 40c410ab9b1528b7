package dev.berth.network;

import dev.berth.network.firewall.Chains;
import dev.berth.network.ipam.AddressPool;
import dev.berth.network.ipam.Ipv4;
import dev.berth.network.ipam.Subnet;
import java.nio.file.Path;
import java.util.List;

/**
 * The daemon's network settings, dockerd's flags of the same names.
 *
 * @param bridge        the default bridge's Linux name ({@code --bridge}, berth0); "none": no
 *                      default bridge, containers without a network get none
 * @param bip           the default bridge's address and subnet ({@code --bip}), or null: a free
 *                      subnet from the pools
 * @param pools         {@code --default-address-pool}
 * @param iptables      manage iptables rules ({@code --iptables})
 * @param ipForward     turn on the kernel's IPv4 forwarding ({@code --ip-forward})
 * @param ipMasq        masquerade outbound traffic of the default bridge ({@code --ip-masq})
 * @param icc           containers on the default bridge may talk to each other ({@code --icc})
 * @param userlandProxy published ports are served on the host by a proxy ({@code --userland-proxy});
 *                      off: DNAT from loopback too, with route_localnet and hairpin NAT
 * @param mtu           the default bridge's MTU ({@code --mtu})
 * @param chains        the daemon's iptables chains ({@code --iptables-chain-prefix}, Berth's own)
 * @param hostResolvConf the host's resolv.conf the containers' are made from
 * @param hostGatewayIp the address {@code --add-host x:host-gateway} names ({@code --host-gateway-ip});
 *                      null: the default bridge's gateway
 */
public record NetworkConfig(
        String bridge,
        Subnet bip,
        List<AddressPool> pools,
        boolean iptables,
        boolean ipForward,
        boolean ipMasq,
        boolean icc,
        boolean userlandProxy,
        int mtu,
        Chains chains,
        Path hostResolvConf,
        Ipv4 hostGatewayIp) {
    public static final String DEFAULT_BRIDGE_NAME = "berth0";

    public NetworkConfig {
        pools = pools == null || pools.isEmpty() ? AddressPool.DEFAULTS : List.copyOf(pools);
    }

    /** dockerd's defaults under Berth's names. */
    public static NetworkConfig defaults() {
        return new NetworkConfig(
                DEFAULT_BRIDGE_NAME,
                null,
                List.of(),
                true,
                true,
                true,
                true,
                true,
                1500,
                new Chains("BERTH"),
                Path.of("/etc/resolv.conf"),
                null);
    }

    public boolean hasDefaultBridge() {
        return !bridge.equals("none");
    }
}
