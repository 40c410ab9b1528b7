package dev.berth.network;

import dev.berth.core.metadata.MetadataStore;
import dev.berth.network.firewall.BridgeRules;
import dev.berth.network.firewall.Firewall;
import dev.berth.network.firewall.PortRule;
import dev.berth.network.port.PortMapping;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies the firewall rules the rows call for: each bridge network and the published ports of
 * running containers. Always from all rows, so that a change, or start-up after a crash, leaves
 * exactly the rules that should be there.
 */
final class FirewallSync {
    private final MetadataStore db;
    private final Firewall firewall;

    FirewallSync(MetadataStore db, Firewall firewall) {
        this.db = db;
        this.firewall = firewall;
    }

    Firewall firewall() {
        return firewall;
    }

    synchronized void apply() {
        record State(List<Network> networks, List<Endpoint> endpoints, List<PortMapping> ports) {}
        State s = db.read(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            return new State(dao.networks(), dao.endpoints(), dao.ports());
        });
        List<BridgeRules> bridges = new ArrayList<>();
        Map<String, Network> byId = new HashMap<>();
        for (Network n : s.networks()) {
            byId.put(n.id(), n);
            if (n.isBridge()) {
                bridges.add(new BridgeRules(
                        n.bridge(),
                        n.subnet().network(),
                        NetworkOptions.flag(n.options(), NetworkOptions.ENABLE_ICC, true),
                        NetworkOptions.flag(n.options(), NetworkOptions.ENABLE_IP_MASQUERADE, true),
                        n.internal()));
            }
        }
        List<PortRule> ports = new ArrayList<>();
        for (PortMapping p : s.ports()) {
            Network n = byId.get(p.networkId());
            Endpoint e = s.endpoints().stream()
                    .filter(x -> x.networkId().equals(p.networkId())
                            && x.containerId().equals(p.containerId()))
                    .findFirst()
                    .orElse(null);
            if (n == null || e == null || e.lease() == null || e.lease().ip() == null || n.internal()) {
                continue;
            }
            ports.add(new PortRule(
                    p.protocol(),
                    p.hostIp().isUnspecified() ? null : p.hostIp(),
                    p.hostPort(),
                    n.bridge(),
                    e.lease().ip(),
                    p.containerPort()));
        }
        firewall.apply(bridges, ports);
    }
}
