package dev.berth.api.network;

import dev.berth.network.Endpoint;
import dev.berth.network.Network;
import dev.berth.network.NetworkService;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Docker's Network object, as dockerd 20.10 fills it (with v1.50's EnableIPv4). */
public final class NetworkWire {
    private static final DateTimeFormatter RFC3339_NANO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.nnnnnnnnn'Z'").withZone(ZoneOffset.UTC);

    private NetworkWire() {}

    /** @param withContainers inspect lists the running containers; the list answers {} (API 1.28+) */
    static Map<String, Object> network(NetworkService.Details d, boolean withContainers) {
        Network n = d.network();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Name", n.name());
        m.put("Id", n.id());
        m.put("Created", RFC3339_NANO.format(n.created()));
        m.put("Scope", "local");
        m.put("Driver", n.driver());
        m.put("EnableIPv4", n.isBridge());
        m.put("EnableIPv6", false);
        Map<String, Object> ipam = new LinkedHashMap<>();
        ipam.put("Driver", n.ipam().driver());
        ipam.put("Options", n.isPredefined() && !n.isBridge() ? null : n.ipam().options());
        List<Map<String, Object>> config = new ArrayList<>();
        if (n.subnet() != null) {
            Map<String, Object> pool = new LinkedHashMap<>();
            pool.put("Subnet", n.subnet().toString());
            if (n.ipRange() != null) {
                pool.put("IPRange", n.ipRange().toString());
            }
            // as dockerd: the gateway is shown when the user gave it or the daemon chose the subnet
            if (n.fromPool()
                    || n.isDefaultBridge()
                    || !n.gateway().equals(n.subnet().network().first().plus(1))) {
                pool.put("Gateway", n.gateway().toString());
            }
            if (!n.ipam().auxAddresses().isEmpty()) {
                pool.put("AuxiliaryAddresses", n.ipam().auxAddresses());
            }
            config.add(pool);
        }
        ipam.put("Config", config);
        m.put("IPAM", ipam);
        m.put("Internal", n.internal());
        m.put("Attachable", n.attachable());
        m.put("Ingress", false);
        m.put("ConfigFrom", Map.of("Network", ""));
        m.put("ConfigOnly", false);
        Map<String, Object> containers = new LinkedHashMap<>();
        if (withContainers) {
            for (Endpoint e : d.endpoints()) {
                if (!e.running()) {
                    continue;
                }
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("Name", e.containerName());
                c.put("EndpointID", e.lease().endpointId());
                c.put("MacAddress", e.lease().mac() == null ? "" : e.lease().mac());
                c.put(
                        "IPv4Address",
                        e.lease().ip() == null
                                ? ""
                                : e.lease().ip() + "/" + n.subnet().prefixLength());
                c.put("IPv6Address", "");
                containers.put(e.containerId(), c);
            }
        }
        m.put("Containers", containers);
        m.put("Options", n.options());
        m.put("Labels", n.labels());
        return m;
    }
}
