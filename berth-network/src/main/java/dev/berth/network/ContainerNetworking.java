package dev.berth.network;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.metadata.Tx;
import dev.berth.network.dns.EmbeddedDns;
import dev.berth.network.etc.HostsFile;
import dev.berth.network.etc.ResolvConf;
import dev.berth.network.ipam.AddressAllocator;
import dev.berth.network.ipam.Ipv4;
import dev.berth.network.netlink.NetworkNamespace;
import dev.berth.network.port.HostPort;
import dev.berth.network.port.PortMapping;
import dev.berth.network.port.PortPublisher;
import dev.berth.network.port.PortRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A container's life on its networks, as the container runner drives it: endpoint rows at create,
 * leases (address, MAC, veth name, published ports) and /etc files just before its namespaces are
 * made, the kernel's side once they exist and before its command runs ({@link #plumb}), all of it
 * released when it exits; connect and disconnect at any time; rows removed with the container.
 */
public final class ContainerNetworking {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerNetworking.class);
    private static final Pattern MAC = Pattern.compile("([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}");

    private final MetadataStore db;
    private final NetworkConfig config;
    private final NetworkService networks;
    private final Plumbing plumbing;
    private final FirewallSync firewall;
    private final EmbeddedDns dns;
    private final DnsTable dnsTable;
    private final PortPublisher ports;
    private final NetworkEvents events;
    private final Object portLock = new Object();

    ContainerNetworking(
            MetadataStore db,
            NetworkConfig config,
            NetworkService networks,
            Plumbing plumbing,
            FirewallSync firewall,
            EmbeddedDns dns,
            DnsTable dnsTable,
            PortPublisher ports,
            NetworkEvents events) {
        this.db = db;
        this.config = config;
        this.networks = networks;
        this.plumbing = plumbing;
        this.firewall = firewall;
        this.dns = dns;
        this.dnsTable = dnsTable;
        this.ports = ports;
        this.events = events;
    }

    // ---- create, remove, rename ---------------------------------------------------------------

    /**
     * The endpoint rows of a new container: the network its NetworkMode names ("default" is the
     * default bridge) and any other network of its EndpointsConfig. container:&lt;id&gt; has none.
     */
    public void create(
            String containerId, String containerName, String networkMode, Map<String, EndpointConfig> endpoints) {
        db.inTransaction(tx -> {
            create(tx, containerId, containerName, networkMode, endpoints);
            return null;
        });
    }

    /**
     * As {@link #create(String, String, String, Map)}, in the caller's transaction: the one that
     * writes the container's row, so that a create commits (and fsyncs) once.
     */
    public void create(
            Tx tx, String containerId, String containerName, String networkMode, Map<String, EndpointConfig> endpoints)
            throws java.sql.SQLException {
        if (networkMode.startsWith("container:")) {
            return;
        }
        NetworkDao dao = new NetworkDao(tx);
        // the CLI names the default network "default" in EndpointsConfig too
        Map<String, EndpointConfig> given = new LinkedHashMap<>();
        endpoints.forEach((name, cfg) -> given.put(defaultMode(name), cfg));
        Map<String, EndpointConfig> all = new LinkedHashMap<>();
        String mode = defaultMode(networkMode);
        EndpointConfig own = given.get(mode);
        all.put(mode, own == null ? EndpointConfig.EMPTY : own);
        given.forEach(all::putIfAbsent);
        for (Map.Entry<String, EndpointConfig> e : all.entrySet()) {
            Network n = NetworkService.find(dao, e.getKey());
            validate(n, e.getValue());
            if ((n.name().equals(Network.HOST) || n.name().equals(Network.NONE)) && all.size() > 1) {
                throw BerthException.invalid(
                        "conflicting options: cannot attach both user-defined and non-user-defined network-modes");
            }
            if (dao.endpoint(n.id(), containerId).isEmpty()) {
                dao.insert(new Endpoint(n.id(), containerId, containerName, e.getValue(), null));
            }
        }
    }

    /** "default" and "bridge" are the default bridge, or none when the daemon has none (--bridge=none). */
    private String defaultMode(String mode) {
        if (mode.equals("default") || mode.isEmpty()) {
            return config.hasDefaultBridge() ? Network.DEFAULT_BRIDGE : Network.NONE;
        }
        return mode;
    }

    /** Docker's checks of an endpoint's settings against its network. */
    private static void validate(Network n, EndpointConfig cfg) {
        boolean userDefined = n.isBridge() && !n.isDefaultBridge();
        if (!cfg.requestedIp().isEmpty()) {
            if (!userDefined) {
                throw BerthException.invalid("user specified IP address is supported on user defined networks only");
            }
            Ipv4 ip = Ipv4.tryParse(cfg.requestedIp());
            if (ip == null) {
                throw BerthException.invalid("invalid IPv4 address: %s", cfg.requestedIp());
            }
            if (!n.subnet().contains(ip)) {
                throw BerthException.invalid(
                        "Invalid address %s: It does not belong to any of this network's subnets", ip);
            }
        }
        if (!cfg.aliases().isEmpty() && !userDefined) {
            throw BerthException.invalid(
                    "network-scoped alias is supported only for containers in user defined networks");
        }
        if (!cfg.macAddress().isEmpty() && !MAC.matcher(cfg.macAddress()).matches()) {
            throw BerthException.invalid("invalid MAC address: %s", cfg.macAddress());
        }
    }

    /** The container is gone: its rows go (it was stopped, so it holds nothing else). */
    public void remove(String containerId) {
        db.inTransaction(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            dao.deleteEndpoints(containerId);
            dao.deletePorts(containerId);
            return null;
        });
    }

    public void rename(String containerId, String newName) {
        db.inTransaction(tx -> {
            new NetworkDao(tx).rename(containerId, newName);
            return null;
        });
    }

    // ---- start and exit -----------------------------------------------------------------------

    /**
     * Just before the container's namespaces are made: an address (and MAC, endpoint ID, veth name)
     * on each of its networks, its published ports held, and its /etc/hosts and /etc/resolv.conf
     * written. Recorded before anything of the kernel's is touched, so a crash leaves only rows
     * that start-up releases.
     */
    public void lease(SandboxRequest r) {
        List<Endpoint> leased = db.inTransaction(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            List<Endpoint> out = new ArrayList<>();
            boolean first = true;
            for (Endpoint e : dao.endpointsOfContainer(r.containerId())) {
                Network n = dao.network(e.networkId())
                        .orElseThrow(() -> BerthException.notFound("network %s not found", e.networkId()));
                Endpoint.Lease lease = newLease(dao, n, e, first ? r.macAddress() : "");
                first &= !n.isBridge();
                dao.setLease(n.id(), r.containerId(), lease);
                out.add(new Endpoint(e.networkId(), e.containerId(), e.containerName(), e.config(), lease));
            }
            return out;
        });
        try {
            publish(r, leased);
            writeEtcFiles(r);
        } catch (RuntimeException e) {
            release(r.containerId());
            throw e;
        }
    }

    private Endpoint.Lease newLease(NetworkDao dao, Network n, Endpoint e, String containerMac)
            throws java.sql.SQLException {
        String endpointId = NetworkService.newId();
        if (!n.isBridge()) {
            return new Endpoint.Lease(endpointId, null, null, null);
        }
        AddressAllocator allocator = new AddressAllocator(n.subnet().network(), n.ipRange(), n.gateway());
        Set<Ipv4> used = dao.leasedAddresses(n.id());
        Ipv4 ip = e.config().requestedIp().isEmpty()
                ? allocator.next(used)
                : allocator.exactly(Ipv4.parse(e.config().requestedIp()), used);
        String mac = !e.config().macAddress().isEmpty()
                ? e.config().macAddress()
                : !containerMac.isEmpty() ? containerMac : Bridges.macFor(ip);
        return new Endpoint.Lease(endpointId, ip, mac.toLowerCase(), "veth" + endpointId.substring(0, 7));
    }

    /** The published ports lead to the container's address on its first bridge network that is not internal. */
    private void publish(SandboxRequest r, List<Endpoint> leased) {
        List<PortRequest> requests = PortRequest.of(r.portBindings(), r.exposedPorts(), r.publishAll());
        if (requests.isEmpty()) {
            return;
        }
        Endpoint target = null;
        Network network = null;
        for (Endpoint e : leased) {
            Network n = networks.resolve(e.networkId());
            if (n.isBridge() && !n.internal()) {
                target = e;
                network = n;
                break;
            }
        }
        if (target == null) {
            return; // host, none or internal networks only: Docker publishes nothing
        }
        synchronized (portLock) {
            List<HostPort> taken = db.read(tx -> new NetworkDao(tx)
                    .ports().stream()
                            .filter(p -> !p.containerId().equals(r.containerId()))
                            .map(p -> new HostPort(p.protocol(), p.hostIp(), p.hostPort()))
                            .toList());
            List<PortMapping> mappings;
            try {
                mappings =
                        ports.open(r.containerId(), network.id(), target.lease().ip(), requests, taken);
            } catch (BerthException e) {
                throw new BerthException(
                        e.kind(),
                        "driver failed programming external connectivity on endpoint " + r.containerName() + " ("
                                + target.lease().endpointId() + "): " + e.getMessage(),
                        e);
            }
            db.inTransaction(tx -> {
                NetworkDao dao = new NetworkDao(tx);
                for (PortMapping m : mappings) {
                    dao.insert(m);
                }
                return null;
            });
        }
    }

    /**
     * The container's namespace exists (its first process waits): veths, addresses, routes,
     * loopback, the embedded DNS server and the published ports' rules.
     */
    public void plumb(String containerId, long pid) {
        NetworkNamespace ns = NetworkNamespace.ofPid(pid);
        List<Attachment> mine = attachments(containerId);
        if (mine.stream().anyMatch(a -> a.network().name().equals(Network.HOST))) {
            return;
        }
        if (ns.isDaemons()) {
            LOG.warn(
                    "container {}: its process {} has no network namespace of its own; nothing plumbed",
                    containerId,
                    pid);
            return;
        }
        try {
            plumbing.loopbackUp(ns);
            List<Plumbing.Attached> ends = new ArrayList<>();
            for (Attachment a : mine) {
                if (a.network().isBridge() && a.endpoint().running()) {
                    ends.add(new Plumbing.Attached(a.network(), a.endpoint().lease(), "eth" + ends.size()));
                }
            }
            plumbing.attach(ns, ends);
            if (mine.stream().anyMatch(a -> a.network().hasEmbeddedDns())) {
                dns.serve(containerId, ns, true);
            }
            if (!ports(containerId).isEmpty()) {
                firewall.apply();
            }
        } catch (RuntimeException e) {
            release(containerId);
            throw e;
        }
        for (Attachment a : mine) {
            events.publish("connect", a.network(), Map.of("container", containerId));
        }
    }

    /** The container exited (or never got going): its leases, ports, rules, DNS server and veths go. */
    public void release(String containerId) {
        dns.stop(containerId);
        dnsTable.forget(containerId);
        ports.close(containerId);
        List<Attachment> mine = attachments(containerId);
        boolean hadPorts = db.inTransaction(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            boolean any = !dao.ports(containerId).isEmpty();
            dao.deletePorts(containerId);
            dao.clearLeases(containerId);
            return any;
        });
        for (Attachment a : mine) {
            if (a.endpoint().running()) {
                plumbing.detach(a.endpoint().lease().hostInterface());
                events.publish("disconnect", a.network(), Map.of("container", containerId));
            }
        }
        if (hadPorts) {
            firewall.apply();
        }
    }

    // ---- connect and disconnect ---------------------------------------------------------------

    /**
     * {@code POST /networks/{id}/connect}: a stopped container gets the network at its next start;
     * a running one ({@code pid} &gt; 0) gets it now, with its /etc/hosts line.
     */
    public void connect(String networkRef, SandboxRequest r, EndpointConfig cfg, long pid) {
        Network n = networks.resolve(networkRef);
        validate(n, cfg);
        Endpoint.Lease lease = db.inTransaction(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            List<Endpoint> mine = dao.endpointsOfContainer(r.containerId());
            if (mine.stream().anyMatch(e -> e.networkId().equals(n.id()))) {
                throw new BerthException(
                        ErrorKind.FORBIDDEN,
                        "endpoint with name " + r.containerName() + " already exists in network " + n.name());
            }
            for (Endpoint e : mine) {
                String other = dao.network(e.networkId()).map(Network::name).orElse("");
                if (other.equals(Network.HOST)
                        || other.equals(Network.NONE)
                        || n.name().equals(Network.HOST)
                        || n.name().equals(Network.NONE)) {
                    throw new BerthException(
                            ErrorKind.FORBIDDEN,
                            "container cannot be disconnected from host network or connected to host network");
                }
            }
            Endpoint e = new Endpoint(n.id(), r.containerId(), r.containerName(), cfg, null);
            dao.insert(e);
            if (pid <= 0) {
                return null;
            }
            Endpoint.Lease l = newLease(dao, n, e, "");
            dao.setLease(n.id(), r.containerId(), l);
            return l;
        });
        if (lease != null) {
            try {
                NetworkNamespace ns = NetworkNamespace.ofPid(pid);
                plumbing.attach(ns, List.of(new Plumbing.Attached(n, lease, plumbing.nextInterface(ns))));
                writeEtcFiles(r); // its new address; on a first user-defined network, 127.0.0.11
                if (n.hasEmbeddedDns() && !dns.serving(r.containerId())) {
                    dns.serve(r.containerId(), ns, true);
                }
            } catch (RuntimeException e) {
                plumbing.detach(lease.hostInterface());
                db.inTransaction(tx -> {
                    new NetworkDao(tx).delete(n.id(), r.containerId());
                    return null;
                });
                throw e;
            }
        }
        events.publish("connect", n, Map.of("container", r.containerId()));
    }

    /** {@code POST /networks/{id}/disconnect}. */
    public void disconnect(String networkRef, SandboxRequest r, long pid) {
        Network n = networks.resolve(networkRef);
        Endpoint e = db.read(tx -> new NetworkDao(tx).endpoint(n.id(), r.containerId()))
                .orElseThrow(() -> BerthException.invalid(
                        "container %s is not connected to network %s", r.containerId(), n.name()));
        if (n.name().equals(Network.HOST) && pid > 0) {
            throw new BerthException(
                    ErrorKind.FORBIDDEN,
                    "container cannot be disconnected from host network or connected to host network");
        }
        db.inTransaction(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            dao.delete(n.id(), r.containerId());
            boolean ported = dao.ports(r.containerId()).stream()
                    .anyMatch(p -> p.networkId().equals(n.id()));
            if (ported) {
                dao.deletePorts(r.containerId());
            }
            return null;
        });
        if (e.running()) {
            plumbing.detach(e.lease().hostInterface());
            writeEtcFiles(r);
            firewall.apply();
        }
        events.publish("disconnect", n, Map.of("container", r.containerId()));
    }

    // ---- the container's /etc files -------------------------------------------------------------

    /**
     * Writes /etc/hosts and /etc/resolv.conf for the container's current endpoints, in place (they
     * are bind-mounted: a new file would not be seen), and tells the DNS server its upstream.
     */
    private void writeEtcFiles(SandboxRequest r) {
        List<Attachment> mine = attachments(r.containerId());
        boolean host = mine.stream().anyMatch(a -> a.network().name().equals(Network.HOST));
        String hostResolv = read(config.hostResolvConf());
        if (host) {
            write(r.hostsFile(), read(Path.of("/etc/hosts")));
            write(r.resolvConfFile(), hostResolv);
            return;
        }
        List<HostsFile.Entry> extra = new ArrayList<>();
        for (String h : r.extraHosts()) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw BerthException.invalid("invalid argument \"%s\" for \"--add-host\" flag", h);
            }
            String ip = h.substring(colon + 1);
            if (ip.equals("host-gateway")) {
                ip = hostGateway().toString();
            }
            extra.add(new HostsFile.Entry(ip, h.substring(0, colon)));
        }
        for (SandboxRequest.Link l : r.links()) {
            address(l.containerId(), Network.DEFAULT_BRIDGE).ifPresent(ip -> {
                String names = l.alias() + " " + l.hostname() + (l.alias().equals(l.name()) ? "" : " " + l.name());
                extra.add(new HostsFile.Entry(ip.toString(), names));
            });
        }
        List<String> addresses = mine.stream()
                .filter(a -> a.endpoint().running() && a.endpoint().lease().ip() != null)
                .map(a -> a.endpoint().lease().ip().toString())
                .toList();
        write(r.hostsFile(), HostsFile.build(extra, addresses, r.hostname(), r.domainname()));
        boolean embedded = mine.stream().anyMatch(a -> a.network().hasEmbeddedDns());
        ResolvConf.Result resolv =
                ResolvConf.forContainer(hostResolv, r.dns(), r.dnsSearch(), r.dnsOptions(), embedded);
        write(r.resolvConfFile(), resolv.content());
        boolean outside = mine.stream()
                .anyMatch(a -> a.network().isBridge() && !a.network().internal());
        dnsTable.upstream(
                r.containerId(),
                outside
                        ? resolv.upstream().stream()
                                .map(s -> new InetSocketAddress(s, 53))
                                .toList()
                        : List.of());
    }

    /** The host as containers see it: --host-gateway-ip, else the default bridge's gateway. */
    private Ipv4 hostGateway() {
        if (config.hostGatewayIp() != null) {
            return config.hostGatewayIp();
        }
        return networks.resolve(Network.DEFAULT_BRIDGE).gateway();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.writeString(
                    file,
                    content,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw BerthException.unavailable("cannot write %s: %s", file, e.getMessage());
        }
    }

    // ---- queries ------------------------------------------------------------------------------

    /** A container's endpoint with its network. */
    public record Attachment(Network network, Endpoint endpoint) {}

    /** The container's networks, in the order it joined them. */
    public List<Attachment> attachments(String containerId) {
        return db.read(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            List<Attachment> out = new ArrayList<>();
            for (Endpoint e : dao.endpointsOfContainer(containerId)) {
                dao.network(e.networkId()).ifPresent(n -> out.add(new Attachment(n, e)));
            }
            return out;
        });
    }

    /**
     * Every container's networks (as {@link #attachments}) and published ports (as {@link #ports}),
     * keyed by container ID and read at once: `docker ps` shows both for each container, and two
     * reads per container made its listing of 50 cost 250 queries.
     */
    public record Listing(Map<String, List<Attachment>> attachments, Map<String, List<PortMapping>> ports) {}

    public Listing listing() {
        return db.read(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            Map<String, Network> networks = new HashMap<>();
            for (Network n : dao.networks()) {
                networks.put(n.id(), n);
            }
            Map<String, List<Attachment>> attachments = new HashMap<>();
            for (Endpoint e : dao.endpointsInJoinOrder()) {
                Network n = networks.get(e.networkId());
                if (n != null) {
                    attachments
                            .computeIfAbsent(e.containerId(), id -> new ArrayList<>())
                            .add(new Attachment(n, e));
                }
            }
            Map<String, List<PortMapping>> ports = new HashMap<>();
            for (PortMapping p : dao.ports()) {
                ports.computeIfAbsent(p.containerId(), id -> new ArrayList<>()).add(p);
            }
            return new Listing(attachments, ports);
        });
    }

    /** The host ports the container's published ports hold while it runs. */
    public List<PortMapping> ports(String containerId) {
        return db.read(tx -> new NetworkDao(tx).ports(containerId));
    }

    /** The container's address on a network while it runs. */
    public Optional<Ipv4> address(String containerId, String networkName) {
        return attachments(containerId).stream()
                .filter(a ->
                        a.network().name().equals(networkName) && a.endpoint().running())
                .map(a -> a.endpoint().lease().ip())
                .filter(ip -> ip != null)
                .findFirst();
    }

    /** Docker's DNSNames of an endpoint: the names the embedded DNS server answers for it. */
    public static List<String> dnsNames(Endpoint e) {
        return DnsTable.names(e);
    }

    // ---- daemon start -------------------------------------------------------------------------

    /**
     * Daemon start, after the networks' bridges are back: containers an earlier daemon left running
     * ({@code running}: their sandbox requests and pids) keep their addresses and get their ports
     * and DNS server back; every other container's leases and ports are released, the rows of
     * containers that do not exist (a create the daemon died in) go, and any veth on the daemon's
     * bridges that no lease names is removed.
     *
     * @param existing the IDs of every container there is
     */
    public void recover(Map<SandboxRequest, Long> running, Set<String> existing) {
        Map<String, Long> pids = new LinkedHashMap<>();
        running.forEach((r, pid) -> pids.put(r.containerId(), pid));
        List<Endpoint> all = db.read(tx -> new NetworkDao(tx).endpoints());
        for (Endpoint e : all) {
            if (!existing.contains(e.containerId())) {
                LOG.info("container {}: removing its network endpoints (no such container)", e.containerId());
                release(e.containerId());
                remove(e.containerId());
                continue;
            }
            if (e.running() && !pids.containsKey(e.containerId())) {
                LOG.info("container {}: releasing its network leases (it is not running)", e.containerId());
                release(e.containerId());
            }
        }
        for (Map.Entry<SandboxRequest, Long> entry : running.entrySet()) {
            SandboxRequest r = entry.getKey();
            try {
                List<Attachment> mine = attachments(r.containerId());
                writeEtcFiles(r);
                Optional<Ipv4> ip = mine.stream()
                        .filter(a ->
                                a.endpoint().running() && a.endpoint().lease().ip() != null)
                        .map(a -> a.endpoint().lease().ip())
                        .findFirst();
                List<PortMapping> held = ports(r.containerId());
                if (ip.isPresent() && !held.isEmpty()) {
                    Ipv4 target = attachments(r.containerId()).stream()
                            .filter(a -> a.network().id().equals(held.getFirst().networkId())
                                    && a.endpoint().running())
                            .map(a -> a.endpoint().lease().ip())
                            .findFirst()
                            .orElse(ip.get());
                    ports.reopen(r.containerId(), target, held);
                }
                if (mine.stream()
                        .anyMatch(a ->
                                a.network().hasEmbeddedDns() && a.endpoint().running())) {
                    dns.serve(r.containerId(), NetworkNamespace.ofPid(entry.getValue()), false);
                }
            } catch (RuntimeException e) {
                LOG.warn("container {}: cannot restore its network: {}", r.containerId(), e.getMessage());
            }
        }
        removeStrayVeths();
        firewall.apply();
    }

    /** Veths on the daemon's bridges that no lease names: left by a crash between veth and row. */
    private void removeStrayVeths() {
        List<String> leased = db.read(tx -> new NetworkDao(tx)
                .endpoints().stream()
                        .filter(Endpoint::running)
                        .map(e -> e.lease().hostInterface())
                        .filter(i -> i != null)
                        .toList());
        List<String> bridgeNames = networks.list(Map.of()).stream()
                .map(NetworkService.Details::network)
                .filter(Network::isBridge)
                .map(Network::bridge)
                .toList();
        try (var nl = dev.berth.network.netlink.RtNetlink.open()) {
            var links = nl.links();
            List<Integer> ours = links.stream()
                    .filter(l -> bridgeNames.contains(l.name()))
                    .map(dev.berth.network.netlink.Link::index)
                    .toList();
            for (var l : links) {
                if (l.kind().equals("veth") && ours.contains(l.master()) && !leased.contains(l.name())) {
                    LOG.info("removing veth {}: no container holds it", l.name());
                    plumbing.detach(l.name());
                }
            }
        }
    }
}
