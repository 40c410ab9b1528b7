package dev.berth.network;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.filter.Filters;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.network.etc.ResolvConf;
import dev.berth.network.ipam.AddressAllocator;
import dev.berth.network.ipam.Ipv4;
import dev.berth.network.ipam.Subnet;
import dev.berth.network.ipam.SubnetChooser;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Docker's networks: the built-in {@code bridge}, {@code host} and {@code none}, and bridge
 * networks users create, list, inspect, remove and prune ({@code /networks}). A network's row is
 * written before its bridge and rules are made (start-up makes whatever a row names), and marked
 * before they are removed (start-up finishes a removal a crash cut short).
 */
public final class NetworkService {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkService.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final Set<String> LIST_FILTERS =
            Set.of("dangling", "driver", "id", "label", "name", "scope", "type");
    private static final Set<String> PRUNE_FILTERS = Set.of("until", "label", "label!");

    private final MetadataStore db;
    private final NetworkConfig config;
    private final Bridges bridges;
    private final FirewallSync firewall;
    private final NetworkEvents events;
    private final Clock clock;

    NetworkService(
            MetadataStore db,
            NetworkConfig config,
            Bridges bridges,
            FirewallSync firewall,
            NetworkEvents events,
            Clock clock) {
        this.db = db;
        this.config = config;
        this.bridges = bridges;
        this.firewall = firewall;
        this.events = events;
        this.clock = clock;
    }

    /** {@code POST /networks/create}, Docker's NetworkCreateRequest in Berth's terms. */
    public record CreateRequest(
            String name,
            String driver,
            boolean internal,
            boolean attachable,
            boolean enableIpv6,
            String ipamDriver,
            List<Pool> pools,
            Map<String, String> ipamOptions,
            Map<String, String> options,
            Map<String, String> labels) {
        public CreateRequest {
            driver = driver == null || driver.isEmpty() ? "bridge" : driver;
            ipamDriver = ipamDriver == null || ipamDriver.isEmpty() ? "default" : ipamDriver;
            pools = pools == null ? List.of() : pools;
            ipamOptions = ipamOptions == null ? Map.of() : ipamOptions;
            options = options == null ? Map.of() : options;
            labels = labels == null ? Map.of() : labels;
        }
    }

    /** One IPAM config entry: {@code --subnet}, {@code --ip-range}, {@code --gateway}, {@code --aux-address}. */
    public record Pool(String subnet, String ipRange, String gateway, Map<String, String> auxAddresses) {}

    public Network create(CreateRequest r) {
        validateName(r.name());
        switch (r.driver()) {
            case "bridge" -> {}
            case "host", "null" ->
                throw new BerthException(
                        ErrorKind.FORBIDDEN, "only one instance of \"" + r.driver() + "\" network is allowed");
            default -> throw BerthException.notFound("plugin \"%s\" not found", r.driver());
        }
        if (!r.ipamDriver().equals("default")) {
            throw BerthException.notFound("plugin \"%s\" not found", r.ipamDriver());
        }
        if (r.enableIpv6()) {
            throw BerthException.notImplemented("IPv6 networks are not supported by Berth yet");
        }
        List<Pool> v4 = r.pools().stream()
                .filter(p -> p.subnet() == null || !p.subnet().contains(":"))
                .toList();
        if (v4.size() < r.pools().size()) {
            throw BerthException.notImplemented("IPv6 subnets are not supported by Berth yet");
        }
        if (v4.size() > 1) {
            throw BerthException.notImplemented("Berth networks have one IPv4 subnet, not %d", v4.size());
        }
        Pool pool = v4.isEmpty() ? new Pool(null, null, null, Map.of()) : v4.getFirst();
        String id = newId();
        String bridge = r.options().getOrDefault(NetworkOptions.BRIDGE_NAME, "br-" + id.substring(0, 12));
        if (bridge.isEmpty() || bridge.length() > 15 || !bridge.matches("[a-zA-Z0-9_.-]+")) {
            throw BerthException.invalid(
                    "invalid bridge name %s: at most 15 letters, digits, '.', '-' and '_'", bridge);
        }
        NetworkOptions.flag(r.options(), NetworkOptions.ENABLE_ICC, true);
        NetworkOptions.flag(r.options(), NetworkOptions.ENABLE_IP_MASQUERADE, true);
        Network network = db.inTransaction(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            if (dao.networkByName(r.name()).isPresent()) {
                throw BerthException.conflict("network with name %s already exists", r.name());
            }
            List<Network> existing = dao.networks();
            if (existing.stream().anyMatch(n -> bridge.equals(n.bridge()))) {
                throw BerthException.conflict("bridge name %s is used by another network", bridge);
            }
            Addressing a = addressing(pool, existing);
            Network n = new Network(
                    id,
                    r.name(),
                    "bridge",
                    clock.instant(),
                    r.internal(),
                    r.attachable(),
                    bridge,
                    a.subnet(),
                    a.range(),
                    a.gateway(),
                    a.fromPool(),
                    Map.copyOf(r.options()),
                    Map.copyOf(r.labels()),
                    new Network.Ipam(
                            "default",
                            Map.copyOf(r.ipamOptions()),
                            pool.auxAddresses() == null ? Map.of() : Map.copyOf(pool.auxAddresses())));
            dao.insert(n);
            return n;
        });
        try {
            bridges.ensure(network);
            firewall.apply();
        } catch (RuntimeException e) {
            LOG.warn("network {}: cannot set up bridge {}: {}", network.name(), bridge, e.getMessage());
            tearDown(network);
            throw e;
        }
        events.publish("create", network, Map.of());
        return network;
    }

    private record Addressing(Subnet subnet, Subnet range, Ipv4 gateway, boolean fromPool) {}

    /** The subnet, range and gateway of a new network, checked as libnetwork's IPAM does. */
    private Addressing addressing(Pool pool, List<Network> existing) {
        List<Subnet> taken = existing.stream()
                .filter(n -> n.subnet() != null)
                .map(n -> n.subnet().network())
                .toList();
        Subnet subnet;
        boolean fromPool = pool.subnet() == null || pool.subnet().isEmpty();
        if (fromPool) {
            List<Subnet> inUse = new ArrayList<>(taken);
            inUse.addAll(Bridges.hostRoutes());
            subnet = new SubnetChooser(config.pools()).choose(inUse, hostNameservers());
        } else {
            subnet = parseCidr("subnet", pool.subnet());
            if (taken.stream().anyMatch(t -> t.overlaps(subnet.network()))) {
                throw new BerthException(ErrorKind.FORBIDDEN, "Pool overlaps with other one on this address space");
            }
        }
        Subnet range = null;
        if (pool.ipRange() != null && !pool.ipRange().isEmpty()) {
            range = parseCidr("ip-range", pool.ipRange());
            if (!subnet.network().contains(range.network())) {
                throw BerthException.invalid(
                        "invalid ip-range %s: it must be a subset of subnet %s", pool.ipRange(), subnet);
            }
        }
        Ipv4 gateway;
        if (pool.gateway() != null && !pool.gateway().isEmpty()) {
            gateway = Ipv4.tryParse(pool.gateway());
            if (gateway == null) {
                throw BerthException.invalid("invalid gateway address %s", pool.gateway());
            }
            if (!subnet.contains(gateway)) {
                throw BerthException.invalid(
                        "failed to allocate gateway (%s): Requested address is out of range", pool.gateway());
            }
        } else {
            gateway = new AddressAllocator(subnet.network(), null, null).next(Set.of());
        }
        return new Addressing(subnet, range, gateway, fromPool);
    }

    private static Subnet parseCidr(String what, String text) {
        try {
            return Subnet.parse(text);
        } catch (BerthException e) {
            throw BerthException.invalid("Invalid %s %s : invalid CIDR address: %s", what, text, text);
        }
    }

    /** The host's nameservers: a network must not hide them behind a bridge. */
    List<Ipv4> hostNameservers() {
        try {
            return ResolvConf.ipv4Nameservers(Files.readString(config.hostResolvConf())).stream()
                    .map(Ipv4::tryParse)
                    .filter(ip -> ip != null)
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void validateName(String name) {
        if (name == null || name.isEmpty()) {
            throw BerthException.invalid("network name cannot be empty");
        }
        if (!NAME.matcher(name).matches()) {
            throw BerthException.invalid("invalid network name %s: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name);
        }
    }

    /** A network by full ID, name or unique ID prefix, as moby's FindNetwork; else 404. */
    public Network resolve(String ref) {
        return db.read(tx -> find(new NetworkDao(tx), ref));
    }

    static Network find(NetworkDao dao, String ref) throws java.sql.SQLException {
        var byId = dao.network(ref);
        if (byId.isPresent()) {
            return byId.get();
        }
        var byName = dao.networkByName(ref);
        if (byName.isPresent()) {
            return byName.get();
        }
        if (!ref.isEmpty()) {
            List<Network> prefixed = dao.networksByIdPrefix(ref);
            if (prefixed.size() == 1) {
                return prefixed.getFirst();
            }
            if (prefixed.size() > 1) {
                throw BerthException.invalid(
                        "network %s is ambiguous (%d matches found based on ID prefix)", ref, prefixed.size());
            }
        }
        throw BerthException.notFound("network %s not found", ref);
    }

    /** A network with the containers on it. */
    public record Details(Network network, List<Endpoint> endpoints) {}

    public Details inspect(String ref) {
        return db.read(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            Network n = find(dao, ref);
            return new Details(n, dao.endpointsOfNetwork(n.id()));
        });
    }

    /** {@code GET /networks}: with Docker's filters (dangling, driver, id, label, name, scope, type). */
    public List<Details> list(Map<String, List<String>> filters) {
        Filters.requireOnly(filters, LIST_FILTERS);
        Boolean dangling = Filters.bool(filters, "dangling");
        List<Details> all = db.read(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            List<Details> out = new ArrayList<>();
            for (Network n : dao.networks()) {
                out.add(new Details(n, dao.endpointsOfNetwork(n.id())));
            }
            return out;
        });
        for (String t : filters.getOrDefault("type", List.of())) {
            if (!t.equals("custom") && !t.equals("builtin")) {
                throw BerthException.invalid("invalid filter: 'type'='%s'", t);
            }
        }
        return all.stream()
                .filter(d -> dangling == null || dangling == (!d.network().isPredefined() && !inUse(d.endpoints())))
                .filter(d -> anyMatches(
                        filters.get("driver"), v -> v.equals(d.network().driver())))
                .filter(d -> anyMatches(filters.get("id"), v -> d.network().id().startsWith(v)))
                .filter(d ->
                        anyMatches(filters.get("name"), v -> d.network().name().contains(v)))
                .filter(d -> anyMatches(filters.get("scope"), v -> v.equals("local")))
                .filter(d -> anyMatches(
                        filters.get("type"),
                        v -> v.equals("custom") != d.network().isPredefined()))
                .filter(d ->
                        Filters.labelsMatch(filters.get("label"), d.network().labels()))
                .toList();
    }

    private static boolean anyMatches(List<String> values, java.util.function.Predicate<String> match) {
        return values == null || values.isEmpty() || values.stream().anyMatch(match);
    }

    /** Containers running on it (stopped ones do not keep a network, as in Docker). */
    private static boolean inUse(List<Endpoint> endpoints) {
        return endpoints.stream().anyMatch(Endpoint::running);
    }

    /** {@code DELETE /networks/{id}}. */
    public void remove(String ref) {
        Network n = db.inTransaction(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            Network found = find(dao, ref);
            if (found.isPredefined()) {
                throw new BerthException(
                        ErrorKind.FORBIDDEN, found.name() + " is a pre-defined network and cannot be removed");
            }
            if (inUse(dao.endpointsOfNetwork(found.id()))) {
                throw new BerthException(
                        ErrorKind.FORBIDDEN,
                        "error while removing network: network " + found.name() + " id " + found.id()
                                + " has active endpoints");
            }
            dao.markRemoving(found.id());
            return found;
        });
        tearDown(n);
        events.publish("destroy", n, Map.of());
    }

    /** {@code POST /networks/prune}: user networks no running container is on. */
    public List<String> prune(Map<String, List<String>> filters) {
        Filters.requireOnly(filters, PRUNE_FILTERS);
        Instant until = filters.containsKey("until") && !filters.get("until").isEmpty()
                ? Filters.timestamp(filters.get("until").getFirst(), clock.instant())
                : null;
        List<String> removed = new ArrayList<>();
        for (Details d : list(Map.of())) {
            Network n = d.network();
            if (n.isPredefined() || inUse(d.endpoints())) {
                continue;
            }
            if (until != null && !n.created().isBefore(until)) {
                continue;
            }
            if (!Filters.labelsMatch(filters.get("label"), n.labels())
                    || !Filters.labelsMatchNone(filters.get("label!"), n.labels())) {
                continue;
            }
            try {
                remove(n.id());
                removed.add(n.name());
            } catch (BerthException e) {
                LOG.debug("prune: network {} stays: {}", n.name(), e.getMessage());
            }
        }
        return removed;
    }

    /** The bridge and rules go, then the row (with the endpoints of stopped containers on it). */
    private void tearDown(Network n) {
        if (n.isBridge()) {
            bridges.remove(n.bridge());
        }
        db.inTransaction(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            for (Endpoint e : dao.endpointsOfNetwork(n.id())) {
                dao.delete(n.id(), e.containerId());
            }
            dao.delete(n.id());
            return null;
        });
        firewall.apply();
    }

    // ---- daemon start and stop ----------------------------------------------------------------

    /**
     * Daemon start: the built-in networks' rows, every bridge a row names, the firewall's chains and
     * rules, and the removals a crash cut short.
     */
    public void start() {
        if (config.ipForward()) {
            IpForwarding.enable(firewall.firewall());
        }
        db.inTransaction(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            for (String name : List.of(Network.HOST, Network.NONE)) {
                if (dao.networkByName(name).isEmpty()) {
                    dao.insert(new Network(
                            newId(),
                            name,
                            name.equals(Network.NONE) ? "null" : "host",
                            clock.instant(),
                            false,
                            false,
                            null,
                            null,
                            null,
                            null,
                            false,
                            Map.of(),
                            Map.of(),
                            Network.Ipam.DEFAULT));
                }
            }
            return null;
        });
        for (Network n : db.read(tx -> new NetworkDao(tx).removing())) {
            LOG.info("network {}: finishing its removal", n.name());
            tearDown(n);
        }
        if (config.hasDefaultBridge()) {
            defaultBridge().ifPresent(bridges::remove);
        } else {
            dropDefaultBridge();
        }
        for (Network n : db.read(tx -> new NetworkDao(tx).networks())) {
            if (n.isBridge()) {
                bridges.ensure(n);
            }
        }
        firewall.firewall().install();
        firewall.apply();
    }

    /**
     * The row of the default bridge, made to match the daemon's settings (--bridge, --bip, --icc,
     * --ip-masq, --mtu) unless containers still running from before hold addresses on it. Returns
     * the Linux bridge the row named before when the row now names another, or another address: a
     * daemon that was killed (a stopped one removes its bridges) left it, and it is made afresh.
     */
    private Optional<String> defaultBridge() {
        return db.inTransaction(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            Network current = dao.networkByName(Network.DEFAULT_BRIDGE).orElse(null);
            if (current != null && inUse(dao.endpointsOfNetwork(current.id()))) {
                return Optional.<String>empty();
            }
            List<Network> others = dao.networks().stream()
                    .filter(n -> current == null || !n.id().equals(current.id()))
                    .toList();
            Subnet subnet;
            Ipv4 gateway;
            boolean fromPool;
            if (config.bip() != null) {
                subnet = config.bip().network();
                gateway = config.bip().address().equals(subnet.first())
                        ? subnet.first().plus(1)
                        : config.bip().address();
                fromPool = false;
            } else if (current != null
                    && current.fromPool()
                    && current.bridge().equals(config.bridge())
                    && !collides(current.subnet(), others, current.bridge())) {
                subnet = current.subnet();
                gateway = current.gateway();
                fromPool = true;
            } else {
                List<Subnet> inUse = new ArrayList<>(others.stream()
                        .filter(n -> n.subnet() != null)
                        .map(n -> n.subnet().network())
                        .toList());
                inUse.addAll(routesNotOf(config.bridge()));
                subnet = new SubnetChooser(config.pools()).choose(inUse, hostNameservers());
                gateway = subnet.first().plus(1);
                fromPool = true;
            }
            Map<String, String> options = new LinkedHashMap<>();
            options.put(NetworkOptions.DEFAULT_BRIDGE, "true");
            options.put(NetworkOptions.ENABLE_ICC, Boolean.toString(config.icc()));
            options.put(NetworkOptions.ENABLE_IP_MASQUERADE, Boolean.toString(config.ipMasq()));
            options.put(NetworkOptions.HOST_BINDING_IPV4, "0.0.0.0");
            options.put(NetworkOptions.BRIDGE_NAME, config.bridge());
            options.put(NetworkOptions.MTU, Integer.toString(config.mtu()));
            String id = current == null ? newId() : current.id();
            Instant created = current == null ? clock.instant() : current.created();
            Network bridge = new Network(
                    id,
                    Network.DEFAULT_BRIDGE,
                    "bridge",
                    created,
                    false,
                    false,
                    config.bridge(),
                    subnet,
                    null,
                    gateway,
                    fromPool,
                    options,
                    Map.of(),
                    Network.Ipam.DEFAULT);
            if (current == null) {
                dao.insert(bridge);
                return Optional.<String>empty();
            }
            dao.update(bridge); // the same ID: stopped containers' endpoints stay on it
            boolean same = current.bridge().equals(config.bridge())
                    && current.subnet().equals(subnet)
                    && current.gateway().equals(gateway);
            return same ? Optional.<String>empty() : Optional.of(current.bridge());
        });
    }

    /**
     * {@code --bridge none}: the default bridge of an earlier start goes, row and Linux bridge (a
     * killed daemon left the bridge), unless containers still running from before are on it.
     */
    private void dropDefaultBridge() {
        Network current = db.read(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            Network n = dao.networkByName(Network.DEFAULT_BRIDGE).orElse(null);
            return n == null || inUse(dao.endpointsOfNetwork(n.id())) ? null : n;
        });
        if (current != null) {
            LOG.info("network bridge: removing it (--bridge none)");
            tearDown(current);
        }
    }

    private boolean collides(Subnet subnet, List<Network> others, String ownBridge) {
        return others.stream()
                        .anyMatch(
                                n -> n.subnet() != null && n.subnet().network().overlaps(subnet.network()))
                || routesNotOf(ownBridge).stream().anyMatch(r -> r.overlaps(subnet.network()));
    }

    /** The host's routes except those through {@code bridge} itself (its own subnet's). */
    private static List<Subnet> routesNotOf(String bridge) {
        int index = Bridges.index(bridge);
        try (var nl = dev.berth.network.netlink.RtNetlink.open()) {
            return nl.routes().stream()
                    .filter(r -> r.destination().prefixLength() > 0 && (index == 0 || r.device() != index))
                    .map(dev.berth.network.netlink.Route::destination)
                    .toList();
        }
    }

    /** Daemon stop (after its containers stopped): the bridges and the firewall's chains go; the rows stay. */
    public void stop() {
        for (Network n : db.read(tx -> new NetworkDao(tx).networks())) {
            if (n.isBridge()) {
                try {
                    bridges.remove(n.bridge());
                } catch (RuntimeException e) {
                    LOG.warn("network {}: cannot remove bridge {}: {}", n.name(), n.bridge(), e.getMessage());
                }
            }
        }
        firewall.firewall().uninstall();
    }

    static String newId() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
