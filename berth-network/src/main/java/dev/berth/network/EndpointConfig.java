package dev.berth.network;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What the user asked of a container's endpoint on a network (the configuration part of Docker's
 * EndpointSettings: {@code --ip}, {@code --alias}/{@code --network-alias}, {@code --link} on a
 * user-defined network, {@code --mac-address}), kept as given under Docker's names.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record EndpointConfig(
        @JsonProperty("IPAMConfig") IpamConfig ipamConfig,
        @JsonProperty("Links") List<String> links,
        @JsonProperty("Aliases") List<String> aliases,
        @JsonProperty("MacAddress") String macAddress,
        @JsonProperty("DriverOpts") Map<String, String> driverOpts) {
    public static final EndpointConfig EMPTY = new EndpointConfig(null, null, null, null, null);

    public EndpointConfig {
        links = links == null ? List.of() : List.copyOf(links);
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        macAddress = macAddress == null ? "" : macAddress;
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record IpamConfig(
            @JsonProperty("IPv4Address") String ipv4Address,
            @JsonProperty("IPv6Address") String ipv6Address,
            @JsonProperty("LinkLocalIPs") List<String> linkLocalIps) {}

    /** The address asked for with {@code --ip}, or "". */
    public String requestedIp() {
        return ipamConfig == null || ipamConfig.ipv4Address() == null ? "" : ipamConfig.ipv4Address();
    }
}
