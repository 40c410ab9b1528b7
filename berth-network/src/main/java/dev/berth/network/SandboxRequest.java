package dev.berth.network;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the network side needs to know of a container to give it its network stack (Docker's
 * "sandbox"): the names it answers to, its DNS and /etc/hosts settings, its published ports, and
 * where its /etc/hosts and /etc/resolv.conf live (files bind-mounted into it, rewritten in place).
 *
 * @param containerName without Docker's leading '/'
 * @param extraHosts    {@code --add-host name:ip} ("host-gateway" for the ip means the host)
 * @param links         legacy {@code --link} on the default bridge
 * @param portBindings  HostConfig.PortBindings by "80/tcp"
 * @param exposedPorts  Config.ExposedPorts keys, published with {@code publishAll} (-P)
 * @param macAddress    {@code --mac-address} (for its first network), or ""
 */
public record SandboxRequest(
        String containerId,
        String containerName,
        String hostname,
        String domainname,
        List<String> dns,
        List<String> dnsSearch,
        List<String> dnsOptions,
        List<String> extraHosts,
        List<Link> links,
        Map<String, List<dev.berth.network.port.PortRequest.Binding>> portBindings,
        Set<String> exposedPorts,
        boolean publishAll,
        String macAddress,
        Path hostsFile,
        Path resolvConfFile) {

    /**
     * A legacy link: the linked container is known here as {@code alias}.
     *
     * @param name the linked container's name, without '/'
     */
    public record Link(String alias, String containerId, String name, String hostname) {}
}
