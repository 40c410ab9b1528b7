package dev.berth.network;

import dev.berth.core.metadata.MetadataStore;
import dev.berth.network.dns.DnsRecords;
import dev.berth.network.ipam.Ipv4;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded DNS server's records, from the endpoint rows: on each user-defined network the
 * asker is on, every running container answers to its name, its aliases and its short ID, each
 * also followed by "." and the network's name; a {@code --link target:alias} of the asker's on
 * that network adds the alias. Networks the asker is not on are invisible to it.
 */
final class DnsTable implements DnsRecords {
    private final MetadataStore db;
    private final Map<String, List<InetSocketAddress>> upstream = new ConcurrentHashMap<>();

    DnsTable(MetadataStore db) {
        this.db = db;
    }

    void upstream(String containerId, List<InetSocketAddress> servers) {
        upstream.put(containerId, List.copyOf(servers));
    }

    void forget(String containerId) {
        upstream.remove(containerId);
    }

    @Override
    public List<InetSocketAddress> upstream(String askingContainer) {
        return upstream.getOrDefault(askingContainer, List.of());
    }

    @Override
    public List<Ipv4> addresses(String askingContainer, String name) {
        List<Ipv4> out = new ArrayList<>();
        for (Shared s : shared(askingContainer)) {
            Map<String, Ipv4> linked = new HashMap<>();
            for (String link : s.asker().config().links()) {
                int colon = link.indexOf(':');
                String target = colon < 0 ? link : link.substring(0, colon);
                String alias = colon < 0 ? link : link.substring(colon + 1);
                s.others().stream()
                        .filter(e -> e.containerName().equals(target)
                                || e.containerId().startsWith(target))
                        .findFirst()
                        .ifPresent(e -> linked.put(
                                alias.toLowerCase(Locale.ROOT), e.lease().ip()));
            }
            for (Map.Entry<String, Ipv4> l : linked.entrySet()) {
                if (matches(name, l.getKey(), s.network())) {
                    out.add(l.getValue());
                }
            }
            for (Endpoint e : s.others()) {
                if (names(e).stream().anyMatch(n -> matches(name, n, s.network()))
                        && !out.contains(e.lease().ip())) {
                    out.add(e.lease().ip());
                }
            }
        }
        return out;
    }

    @Override
    public String nameOf(String askingContainer, Ipv4 ip) {
        for (Shared s : shared(askingContainer)) {
            for (Endpoint e : s.others()) {
                if (ip.equals(e.lease().ip())) {
                    return e.containerName() + "." + s.network().name();
                }
            }
        }
        return null;
    }

    /** The names a container has on a network: Docker's DNSNames. */
    static List<String> names(Endpoint e) {
        List<String> names = new ArrayList<>();
        names.add(e.containerName().toLowerCase(Locale.ROOT));
        e.config().aliases().forEach(a -> names.add(a.toLowerCase(Locale.ROOT)));
        names.add(e.containerId().substring(0, 12));
        return names;
    }

    private static boolean matches(String asked, String name, Network n) {
        return asked.equals(name) || asked.equals(name + "." + n.name().toLowerCase(Locale.ROOT));
    }

    /** A user-defined network the asker runs on, its endpoint there, and the running endpoints on it. */
    private record Shared(Network network, Endpoint asker, List<Endpoint> others) {}

    private List<Shared> shared(String askingContainer) {
        return db.read(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            List<Shared> out = new ArrayList<>();
            for (Endpoint mine : dao.endpointsOfContainer(askingContainer)) {
                Network n = dao.network(mine.networkId()).orElse(null);
                if (n == null || !n.hasEmbeddedDns() || !mine.running()) {
                    continue;
                }
                List<Endpoint> running = dao.endpointsOfNetwork(n.id()).stream()
                        .filter(e -> e.running() && e.lease().ip() != null)
                        .toList();
                out.add(new Shared(n, mine, running));
            }
            return out;
        });
    }
}
