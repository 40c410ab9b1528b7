package dev.berth.network.port;

import dev.berth.core.error.BerthException;
import dev.berth.network.ipam.Ipv4;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One port to publish, from a container's HostConfig: {@code -p [ip:][hostPort|range:]containerPort[/proto]}
 * as the docker CLI sends it in PortBindings, and {@code -P} (PublishAllPorts) for each ExposedPort.
 *
 * @param hostIp    the host address to listen on; 0.0.0.0 for all
 * @param firstPort the host port, or the first of a range; 0 for one the daemon picks
 * @param lastPort  the last of the range (= firstPort for one port)
 */
public record PortRequest(String protocol, int containerPort, Ipv4 hostIp, int firstPort, int lastPort) {
    public static final Ipv4 ANY = new Ipv4(0);

    /** One binding of Docker's HostConfig, by its "80/tcp" key. */
    public record Binding(String hostIp, String hostPort) {}

    /**
     * The requests of a container: every binding of {@code portBindings}, then, with
     * {@code publishAll}, an ephemeral port for each exposed port that has none. Bindings to IPv6
     * addresses are left out: Berth's networks are IPv4 only.
     */
    public static List<PortRequest> of(
            Map<String, List<Binding>> portBindings, Set<String> exposedPorts, boolean publishAll) {
        Map<String, List<Binding>> all = new LinkedHashMap<>();
        portBindings.forEach((key, list) ->
                all.put(normalize(key), list == null || list.isEmpty() ? List.of(new Binding("", "")) : list));
        if (publishAll) {
            for (String exposed : exposedPorts) {
                all.putIfAbsent(normalize(exposed), List.of(new Binding("", "")));
            }
        }
        List<PortRequest> out = new ArrayList<>();
        all.forEach((key, list) -> {
            int slash = key.indexOf('/');
            int containerPort = port(key.substring(0, slash), key);
            String protocol = key.substring(slash + 1);
            for (Binding b : list) {
                String ipText = b.hostIp() == null ? "" : b.hostIp();
                if (ipText.contains(":")) {
                    continue; // IPv6
                }
                Ipv4 ip = ipText.isEmpty() ? ANY : Ipv4.tryParse(ipText);
                if (ip == null) {
                    throw BerthException.invalid("invalid host IP address %s in port binding %s", ipText, key);
                }
                String hp = b.hostPort() == null ? "" : b.hostPort().strip();
                int first = 0;
                int last = 0;
                if (!hp.isEmpty()) {
                    int dash = hp.indexOf('-');
                    first = port(dash < 0 ? hp : hp.substring(0, dash), hp);
                    last = dash < 0 ? first : port(hp.substring(dash + 1), hp);
                    if (last < first) {
                        throw BerthException.invalid("invalid port range: %s", hp);
                    }
                }
                out.add(new PortRequest(protocol, containerPort, ip, first, last));
            }
        });
        return out;
    }

    /** "80" → "80/tcp"; the protocol must be tcp, udp or sctp. */
    static String normalize(String key) {
        int slash = key.indexOf('/');
        String proto = slash < 0 ? "tcp" : key.substring(slash + 1).toLowerCase();
        if (!proto.equals("tcp") && !proto.equals("udp") && !proto.equals("sctp")) {
            throw BerthException.invalid("invalid proto: %s", proto);
        }
        return (slash < 0 ? key : key.substring(0, slash)) + "/" + proto;
    }

    private static int port(String text, String whole) {
        try {
            int p = Integer.parseInt(text);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw BerthException.invalid("invalid port specification: \"%s\"", whole);
    }
}
