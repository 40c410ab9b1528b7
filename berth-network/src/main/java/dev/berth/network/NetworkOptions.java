package dev.berth.network;

import java.util.Map;

/** The bridge driver's options ({@code docker network create -o KEY=VALUE}), Docker's keys. */
final class NetworkOptions {
    static final String BRIDGE_NAME = "com.docker.network.bridge.name";
    static final String ENABLE_ICC = "com.docker.network.bridge.enable_icc";
    static final String ENABLE_IP_MASQUERADE = "com.docker.network.bridge.enable_ip_masquerade";
    static final String HOST_BINDING_IPV4 = "com.docker.network.bridge.host_binding_ipv4";
    static final String DEFAULT_BRIDGE = "com.docker.network.bridge.default_bridge";
    static final String MTU = "com.docker.network.driver.mtu";

    private NetworkOptions() {}

    /** A boolean option: absent means {@code fallback}; Go's strconv.ParseBool spellings. */
    static boolean flag(Map<String, String> options, String key, boolean fallback) {
        String v = options.get(key);
        if (v == null) {
            return fallback;
        }
        return switch (v) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default ->
                throw dev.berth.core.error.BerthException.invalid(
                        "invalid value %s for option %s: not a boolean", v, key);
        };
    }
}
