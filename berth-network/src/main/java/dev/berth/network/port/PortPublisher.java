package dev.berth.network.port;

import dev.berth.core.error.BerthException;
import dev.berth.network.ipam.Ipv4;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the host side of published ports: picks host ports (as asked, the first free of a range,
 * or an ephemeral one from the kernel's local port range as dockerd's port allocator does) and
 * opens a {@link UserlandProxy} on each, which forwards traffic when the userland proxy is on and
 * only holds the port when it is off.
 */
public final class PortPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PortPublisher.class);

    private final boolean forward;
    private final int ephemeralFirst;
    private final int ephemeralLast;
    private final Map<String, List<UserlandProxy>> proxies = new ConcurrentHashMap<>();
    private int nextEphemeral;

    public PortPublisher(boolean forward) {
        this.forward = forward;
        int[] range = localPortRange();
        this.ephemeralFirst = range[0];
        this.ephemeralLast = range[1];
        this.nextEphemeral = ephemeralFirst;
    }

    /**
     * Opens the ports of a container whose address on {@code networkId} is {@code containerIp}.
     * Nothing stays open when one fails.
     *
     * @param taken the host ports other containers hold
     */
    public synchronized List<PortMapping> open(
            String containerId,
            String networkId,
            Ipv4 containerIp,
            List<PortRequest> requests,
            Collection<HostPort> taken) {
        List<HostPort> held = new ArrayList<>(taken);
        List<PortMapping> mappings = new ArrayList<>();
        List<UserlandProxy> opened = new ArrayList<>();
        try {
            for (PortRequest r : requests) {
                if (r.protocol().equals("sctp")) {
                    throw BerthException.notImplemented("publishing sctp ports is not supported");
                }
                InetSocketAddress target = new InetSocketAddress(address(containerIp), r.containerPort());
                Opened o = r.firstPort() == 0 ? openEphemeral(r, target, held) : openFixed(r, target, held);
                opened.add(o.proxy());
                held.add(o.port());
                mappings.add(new PortMapping(
                        containerId,
                        networkId,
                        r.protocol(),
                        r.containerPort(),
                        r.hostIp(),
                        o.port().port()));
            }
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
        proxies.merge(containerId, opened, (a, b) -> {
            List<UserlandProxy> all = new ArrayList<>(a);
            all.addAll(b);
            return all;
        });
        return mappings;
    }

    /** After a daemon restart: opens again the ports a running container holds (a port taken meanwhile is logged). */
    public synchronized void reopen(String containerId, Ipv4 containerIp, List<PortMapping> mappings) {
        List<UserlandProxy> opened = new ArrayList<>();
        for (PortMapping m : mappings) {
            try {
                opened.add(bind(
                        m.protocol(),
                        new InetSocketAddress(address(m.hostIp()), m.hostPort()),
                        new InetSocketAddress(address(containerIp), m.containerPort())));
            } catch (IOException e) {
                LOG.warn(
                        "container {}: cannot hold host port {}:{}/{} again: {}",
                        containerId,
                        m.hostIp(),
                        m.hostPort(),
                        m.protocol(),
                        e.getMessage());
            }
        }
        proxies.put(containerId, opened);
    }

    public void close(String containerId) {
        List<UserlandProxy> list = proxies.remove(containerId);
        if (list != null) {
            closeAll(list);
        }
    }

    private record Opened(HostPort port, UserlandProxy proxy) {}

    private Opened openFixed(PortRequest r, InetSocketAddress target, List<HostPort> held) {
        String hostIp = r.hostIp().toString();
        BerthException lastFailure = null;
        for (int port = r.firstPort(); port <= r.lastPort(); port++) {
            HostPort wanted = new HostPort(r.protocol(), r.hostIp(), port);
            if (held.stream().anyMatch(wanted::clashes)) {
                lastFailure = allocated(
                        hostIp,
                        r.firstPort() == r.lastPort() ? Integer.toString(port) : r.firstPort() + "-" + r.lastPort());
                continue;
            }
            try {
                return new Opened(wanted, bind(r.protocol(), new InetSocketAddress(address(r.hostIp()), port), target));
            } catch (IOException e) {
                lastFailure = BerthException.internal(
                        "Error starting userland proxy: listen " + r.protocol() + "4 " + hostIp + ":" + port
                                + ": bind: " + reason(e),
                        e);
            }
        }
        throw lastFailure;
    }

    /** dockerd's allocator: the next port of the range after the last one handed out, wrapping round. */
    private Opened openEphemeral(PortRequest r, InetSocketAddress target, List<HostPort> held) {
        int span = ephemeralLast - ephemeralFirst + 1;
        for (int i = 0; i < span; i++) {
            int port = nextEphemeral;
            nextEphemeral = port == ephemeralLast ? ephemeralFirst : port + 1;
            HostPort candidate = new HostPort(r.protocol(), r.hostIp(), port);
            if (held.stream().anyMatch(candidate::clashes)) {
                continue;
            }
            try {
                return new Opened(
                        candidate, bind(r.protocol(), new InetSocketAddress(address(r.hostIp()), port), target));
            } catch (IOException e) {
                // taken by something else on the host: the next one
            }
        }
        throw BerthException.internal("Bind for " + r.hostIp() + ":0 failed: all ports are allocated", null);
    }

    private UserlandProxy bind(String protocol, InetSocketAddress host, InetSocketAddress target) throws IOException {
        return protocol.equals("udp")
                ? UserlandProxy.udp(UserlandProxy.listenUdp(host), target, forward)
                : UserlandProxy.tcp(UserlandProxy.listenTcp(host), target, forward);
    }

    private static BerthException allocated(String hostIp, String port) {
        return BerthException.internal("Bind for " + hostIp + ":" + port + " failed: port is already allocated", null);
    }

    private static String reason(IOException e) {
        return e instanceof BindException && String.valueOf(e.getMessage()).contains("in use")
                ? "address already in use"
                : String.valueOf(e.getMessage()).toLowerCase();
    }

    private static InetAddress address(Ipv4 ip) {
        try {
            return InetAddress.getByAddress(ip.bytes());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void closeAll(List<UserlandProxy> list) {
        for (UserlandProxy p : list) {
            try {
                p.close();
            } catch (IOException e) {
                LOG.debug("closing a published port: {}", e.getMessage());
            }
        }
    }

    /** The kernel's ip_local_port_range, where dockerd takes ephemeral host ports from (49153-65535 without it). */
    private static int[] localPortRange() {
        try {
            String[] parts = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim()
                    .split("\\s+");
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (IOException | RuntimeException e) {
            return new int[] {49153, 65535};
        }
    }

    @Override
    public void close() {
        proxies.keySet().forEach(this::close);
    }
}
