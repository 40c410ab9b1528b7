package dev.berth.network;

import dev.berth.core.metadata.MetadataStore;
import dev.berth.network.dns.EmbeddedDns;
import dev.berth.network.firewall.Firewall;
import dev.berth.network.firewall.IptablesFirewall;
import dev.berth.network.port.PortPublisher;
import java.time.Clock;

/**
 * The network services wired together, for the composition root: {@link #networks} for the
 * {@code /networks} routes, {@link #containers} for the container runner.
 */
public final class Networking implements AutoCloseable {
    private final NetworkService networks;
    private final ContainerNetworking containers;
    private final EmbeddedDns dns;
    private final PortPublisher ports;

    private Networking(NetworkService networks, ContainerNetworking containers, EmbeddedDns dns, PortPublisher ports) {
        this.networks = networks;
        this.containers = containers;
        this.dns = dns;
        this.ports = ports;
    }

    public static Networking create(MetadataStore db, NetworkConfig config, NetworkEvents events, Clock clock) {
        Firewall firewall =
                config.iptables() ? new IptablesFirewall(config.chains(), !config.userlandProxy()) : Firewall.NONE;
        FirewallSync sync = new FirewallSync(db, firewall);
        Bridges bridges = new Bridges(config.mtu(), !config.userlandProxy());
        NetworkService networks = new NetworkService(db, config, bridges, sync, events, clock);
        DnsTable table = new DnsTable(db);
        EmbeddedDns dns = new EmbeddedDns(table);
        PortPublisher ports = new PortPublisher(config.userlandProxy());
        ContainerNetworking containers = new ContainerNetworking(
                db,
                config,
                networks,
                new Plumbing(config.mtu(), !config.userlandProxy()),
                sync,
                dns,
                table,
                ports,
                events);
        return new Networking(networks, containers, dns, ports);
    }

    public NetworkService networks() {
        return networks;
    }

    public ContainerNetworking containers() {
        return containers;
    }

    /** Daemon start: bridges and rules as the rows say (then {@link ContainerNetworking#recover}). */
    public void start() {
        networks.start();
    }

    /** Daemon stop, once the containers have stopped: servers, proxies, bridges and rules go. */
    @Override
    public void close() {
        dns.close();
        ports.close();
        networks.stop();
    }
}
