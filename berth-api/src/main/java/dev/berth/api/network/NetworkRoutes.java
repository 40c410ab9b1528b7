package dev.berth.api.network;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.api.server.Filters;
import dev.berth.api.server.Json;
import dev.berth.core.error.BerthException;
import dev.berth.engine.container.ContainerNetworks;
import dev.berth.http.server.Request;
import dev.berth.http.server.Response;
import dev.berth.http.server.Router;
import dev.berth.http.server.Routes;
import dev.berth.network.EndpointConfig;
import dev.berth.network.NetworkService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network endpoints ({@code /networks}, {@code /networks/create}, {@code /networks/{id}},
 * {@code /networks/{id}/connect|disconnect}, {@code /networks/prune}): decode, call the network
 * service (or, for connect and disconnect, the containers' side of it), encode Docker's JSON.
 */
public final class NetworkRoutes implements Routes {
    private final NetworkService networks;
    private final ContainerNetworks containers;

    public NetworkRoutes(NetworkService networks, ContainerNetworks containers) {
        this.networks = networks;
        this.containers = containers;
    }

    @Override
    public void register(Router router) {
        router.get("/networks", this::list)
                .post("/networks/create", this::create)
                .post("/networks/prune", this::prune)
                .get("/networks/{id}", this::inspect)
                .delete("/networks/{id}", this::remove)
                .post("/networks/{id}/connect", this::connect)
                .post("/networks/{id}/disconnect", this::disconnect);
    }

    /** Docker's NetworkCreateRequest. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record CreateBody(
            @JsonProperty("Name") String name,
            @JsonProperty("Driver") String driver,
            @JsonProperty("Scope") String scope,
            @JsonProperty("Internal") boolean internal,
            @JsonProperty("Attachable") boolean attachable,
            @JsonProperty("Ingress") boolean ingress,
            @JsonProperty("ConfigOnly") boolean configOnly,
            @JsonProperty("EnableIPv6") Boolean enableIpv6,
            @JsonProperty("IPAM") IpamBody ipam,
            @JsonProperty("Options") Map<String, String> options,
            @JsonProperty("Labels") Map<String, String> labels) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record IpamBody(
            @JsonProperty("Driver") String driver,
            @JsonProperty("Config") List<PoolBody> config,
            @JsonProperty("Options") Map<String, String> options) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PoolBody(
            @JsonProperty("Subnet") String subnet,
            @JsonProperty("IPRange") String ipRange,
            @JsonProperty("Gateway") String gateway,
            @JsonProperty("AuxiliaryAddresses") Map<String, String> auxAddresses) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ConnectBody(
            @JsonProperty("Container") String container,
            @JsonProperty("EndpointConfig") EndpointConfig endpointConfig,
            @JsonProperty("Force") boolean force) {}

    private Response create(Request r) {
        CreateBody b = Json.body(r, CreateBody.class);
        if (b == null) {
            throw BerthException.invalid("network name cannot be empty");
        }
        if (b.ingress()
                || b.configOnly()
                || (b.scope() != null && !b.scope().isEmpty() && !b.scope().equals("local"))) {
            throw BerthException.notImplemented("swarm and config-only networks are not supported");
        }
        IpamBody ipam = b.ipam() == null ? new IpamBody(null, null, null) : b.ipam();
        List<NetworkService.Pool> pools = ipam.config() == null
                ? List.of()
                : ipam.config().stream()
                        .map(p -> new NetworkService.Pool(p.subnet(), p.ipRange(), p.gateway(), p.auxAddresses()))
                        .toList();
        var n = networks.create(new NetworkService.CreateRequest(
                b.name(),
                b.driver(),
                b.internal(),
                b.attachable(),
                Boolean.TRUE.equals(b.enableIpv6()),
                ipam.driver(),
                pools,
                ipam.options(),
                b.options(),
                b.labels()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Id", n.id());
        out.put("Warning", "");
        return Json.response(201, out);
    }

    private Response list(Request r) {
        return Json.response(networks.list(Filters.of(r).values()).stream()
                .map(d -> NetworkWire.network(d, false))
                .toList());
    }

    private Response inspect(Request r) {
        return Json.response(NetworkWire.network(networks.inspect(r.param("id")), true));
    }

    private Response remove(Request r) {
        networks.remove(r.param("id"));
        return Response.noContent();
    }

    private Response prune(Request r) {
        List<String> removed = networks.prune(Filters.of(r).values());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("NetworksDeleted", removed.isEmpty() ? null : removed);
        return Json.response(out);
    }

    private Response connect(Request r) {
        ConnectBody b = Json.body(r, ConnectBody.class);
        if (b == null || b.container() == null || b.container().isEmpty()) {
            throw BerthException.invalid("container ID or name is required");
        }
        containers.connect(r.param("id"), b.container(), b.endpointConfig());
        return Response.status(200);
    }

    private Response disconnect(Request r) {
        ConnectBody b = Json.body(r, ConnectBody.class);
        if (b == null || b.container() == null || b.container().isEmpty()) {
            throw BerthException.invalid("container ID or name is required");
        }
        containers.disconnect(r.param("id"), b.container(), b.force());
        return Response.status(200);
    }
}
