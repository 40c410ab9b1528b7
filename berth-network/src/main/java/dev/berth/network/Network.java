package dev.berth.network;

import dev.berth.network.ipam.Ipv4;
import dev.berth.network.ipam.Subnet;
import java.time.Instant;
import java.util.Map;

/**
 * A network: the built-in {@code bridge}, {@code host} and {@code none}, or one a user created
 * (bridge driver). The bridge fields are null for host and none.
 *
 * @param bridge   the Linux bridge's name
 * @param gateway  the bridge's own address, the containers' default route
 * @param ipRange  where container addresses come from ({@code --ip-range}); null: the whole subnet
 * @param fromPool the subnet was taken from the default pools (not given by the user)
 * @param options  driver options as given ({@code -o}); the default bridge's are the daemon's
 */
public record Network(
        String id,
        String name,
        String driver,
        Instant created,
        boolean internal,
        boolean attachable,
        String bridge,
        Subnet subnet,
        Subnet ipRange,
        Ipv4 gateway,
        boolean fromPool,
        Map<String, String> options,
        Map<String, String> labels,
        Ipam ipam) {
    public static final String DEFAULT_BRIDGE = "bridge";
    public static final String HOST = "host";
    public static final String NONE = "none";

    /** The IPAM part as the user gave it: driver, options and auxiliary addresses. */
    public record Ipam(String driver, Map<String, String> options, Map<String, String> auxAddresses) {
        public static final Ipam DEFAULT = new Ipam("default", Map.of(), Map.of());
    }

    public boolean isBridge() {
        return driver.equals("bridge");
    }

    public boolean isDefaultBridge() {
        return isBridge() && name.equals(DEFAULT_BRIDGE);
    }

    /** bridge, host and none, which exist by themselves and cannot be removed. */
    public boolean isPredefined() {
        return name.equals(DEFAULT_BRIDGE) || name.equals(HOST) || name.equals(NONE);
    }

    /** Containers on it are served by the embedded DNS server: user-defined bridge networks. */
    public boolean hasEmbeddedDns() {
        return isBridge() && !isDefaultBridge();
    }

    public String shortId() {
        return id.substring(0, 12);
    }
}
