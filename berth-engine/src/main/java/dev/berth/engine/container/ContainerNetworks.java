package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.network.ContainerNetworking;
import dev.berth.network.EndpointConfig;
import dev.berth.network.Network;
import dev.berth.network.SandboxRequest;
import dev.berth.network.ipam.Ipv4;
import dev.berth.network.port.PortMapping;
import dev.berth.network.port.PortRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Containers on networks: what the container services ask of the network side, in their terms.
 * It turns a container's config into the network side's {@link SandboxRequest} (names, DNS and
 * /etc/hosts settings, published ports, legacy links), and gives {@code docker network
 * connect/disconnect}, inspect's NetworkSettings and the legacy links' environment.
 */
public final class ContainerNetworks {
    private final ContainerStore store;
    private final ContainerPaths paths;
    private final ContainerNetworking networking;

    ContainerNetworks(ContainerStore store, ContainerPaths paths, ContainerNetworking networking) {
        this.store = store;
        this.paths = paths;
        this.networking = networking;
    }

    ContainerNetworking networking() {
        return networking;
    }

    /** The container that owns the network namespace of one created with {@code --network container:X}. */
    Container networkOwner(Container c) {
        String ref = c.hostConfig().networkContainer();
        return ref == null ? c : store.resolve(ref);
    }

    /** What the network side needs of a container (its /etc/hosts and resolv.conf in its own directory). */
    SandboxRequest sandbox(Container c) {
        Path dir = paths.dir(c.id());
        Map<String, List<PortRequest.Binding>> ports = new LinkedHashMap<>();
        c.hostConfig()
                .portBindings()
                .forEach((key, list) -> ports.put(
                        key,
                        list == null
                                ? List.of()
                                : list.stream()
                                        .map(b -> new PortRequest.Binding(b.hostIp(), b.hostPort()))
                                        .toList()));
        return new SandboxRequest(
                c.id(),
                c.plainName(),
                c.config().hostname(),
                c.config().domainname(),
                c.hostConfig().dns(),
                c.hostConfig().dnsSearch(),
                c.hostConfig().dnsOptions(),
                c.hostConfig().extraHosts(),
                links(c),
                ports,
                c.config().exposedPorts() == null
                        ? java.util.Set.of()
                        : c.config().exposedPorts().keySet(),
                c.hostConfig().publishAllPorts(),
                "",
                dir.resolve("hosts"),
                dir.resolve("resolv.conf"));
    }

    /** Legacy links: {@code name:alias} (or {@code name}) as the CLI sends them; Docker stores "/name:/parent/alias". */
    private List<SandboxRequest.Link> links(Container c) {
        List<SandboxRequest.Link> out = new ArrayList<>();
        for (String link : c.hostConfig().links()) {
            Link l = Link.parse(link);
            store.find(l.target())
                    .ifPresent(t -> out.add(new SandboxRequest.Link(
                            l.alias(), t.id(), t.plainName(), t.config().hostname())));
        }
        return out;
    }

    /** One legacy link: the linked container and the alias it has. */
    record Link(String target, String alias) {
        static Link parse(String spec) {
            String[] parts = spec.split(":");
            String target = parts[0].startsWith("/") ? parts[0].substring(1) : parts[0];
            String alias = parts.length > 1 ? parts[1] : target;
            int slash = alias.lastIndexOf('/');
            return new Link(target, slash < 0 ? alias : alias.substring(slash + 1));
        }
    }

    /**
     * Docker's link environment for each legacy link of a running linked container:
     * {@code ALIAS_NAME=/container/alias}, {@code ALIAS_PORT=tcp://ip:port} of its lowest exposed
     * port, {@code ALIAS_PORT_80_TCP…} for each exposed port, and {@code ALIAS_ENV_X} for the linked
     * container's own variables (moby's links.Link.ToEnv).
     */
    List<String> linkEnv(Container c) {
        List<String> env = new ArrayList<>();
        for (String spec : c.hostConfig().links()) {
            Link l = Link.parse(spec);
            Container t = store.find(l.target()).orElse(null);
            if (t == null) {
                continue;
            }
            Optional<Ipv4> ip = networking.address(t.id(), Network.DEFAULT_BRIDGE);
            if (ip.isEmpty()) {
                continue;
            }
            String prefix = l.alias().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
            env.add(prefix + "_NAME=" + c.name() + "/" + l.alias());
            List<String[]> exposed = new ArrayList<>();
            if (t.config().exposedPorts() != null) {
                for (String key : t.config().exposedPorts().keySet()) {
                    String[] parts = key.split("/");
                    exposed.add(new String[] {parts[0], parts.length > 1 ? parts[1] : "tcp"});
                }
            }
            exposed.sort(java.util.Comparator.comparingInt((String[] p) -> Integer.parseInt(p[0]))
                    .thenComparing(p -> p[1]));
            if (!exposed.isEmpty()) {
                String[] first = exposed.getFirst();
                env.add(prefix + "_PORT=" + first[1] + "://" + ip.get() + ":" + first[0]);
            }
            for (String[] p : exposed) {
                String key = prefix + "_PORT_" + p[0] + "_" + p[1].toUpperCase(Locale.ROOT);
                env.add(key + "=" + p[1] + "://" + ip.get() + ":" + p[0]);
                env.add(key + "_ADDR=" + ip.get());
                env.add(key + "_PORT=" + p[0]);
                env.add(key + "_PROTO=" + p[1]);
            }
            if (t.config().env() != null) {
                for (String e : t.config().env()) {
                    int eq = e.indexOf('=');
                    String name = eq < 0 ? e : e.substring(0, eq);
                    if (!List.of("HOME", "HOSTNAME", "PATH").contains(name)) {
                        env.add(prefix + "_ENV_" + e);
                    }
                }
            }
        }
        return env;
    }

    // ---- docker network connect / disconnect --------------------------------------------------

    /** {@code POST /networks/{id}/connect}. */
    public void connect(String networkRef, String containerRef, EndpointConfig cfg) {
        Container c = store.resolve(containerRef);
        ReentrantLock lock = store.lock(c.id());
        lock.lock();
        try {
            c = store.resolve(c.id());
            checkOwnNetwork(c);
            if (c.status() == ContainerStatus.PAUSED) {
                throw BerthException.conflict("Container %s is paused. Unpause the container before connect", c.id());
            }
            networking.connect(networkRef, sandbox(c), cfg == null ? EndpointConfig.EMPTY : cfg, runningPid(c));
        } finally {
            lock.unlock();
        }
    }

    /** {@code POST /networks/{id}/disconnect}. */
    public void disconnect(String networkRef, String containerRef, boolean force) {
        Container c;
        try {
            c = store.resolve(containerRef);
        } catch (BerthException e) {
            if (force && e.kind() == ErrorKind.NOT_FOUND) {
                return; // Docker's --force: the endpoint of a container that is gone
            }
            throw e;
        }
        ReentrantLock lock = store.lock(c.id());
        lock.lock();
        try {
            c = store.resolve(c.id());
            checkOwnNetwork(c);
            networking.disconnect(networkRef, sandbox(c), runningPid(c));
        } finally {
            lock.unlock();
        }
    }

    private static void checkOwnNetwork(Container c) {
        if (c.hostConfig().networkContainer() != null) {
            throw BerthException.invalid("container sharing network namespace with another container or host cannot "
                    + "be connected to any other network");
        }
    }

    private static long runningPid(Container c) {
        return c.status().isAlive() && c.state().pid() > 0 ? c.state().pid() : 0;
    }

    // ---- what inspect and ps show -------------------------------------------------------------

    /**
     * A container's networks as inspect shows them.
     *
     * @param sandboxKey the network namespace's file while it runs, else ""
     */
    public record View(List<ContainerNetworking.Attachment> networks, List<PortMapping> ports, String sandboxKey) {}

    public View view(Container c) {
        return view(c, networking::attachments, networking::ports);
    }

    /** The view of each of {@code list}, in its order, from one read of the network tables. */
    public List<View> views(List<Container> list) {
        ContainerNetworking.Listing all = networking.listing();
        return list.stream()
                .map(c -> view(
                        c,
                        id -> all.attachments().getOrDefault(id, List.of()),
                        id -> all.ports().getOrDefault(id, List.of())))
                .toList();
    }

    private View view(
            Container c,
            Function<String, List<ContainerNetworking.Attachment>> attachmentsOf,
            Function<String, List<PortMapping>> portsOf) {
        Container owner = networkOwner(c);
        List<ContainerNetworking.Attachment> attachments = owner == c ? attachmentsOf.apply(c.id()) : List.of();
        String key =
                c.status().isAlive() && c.state().pid() > 0 && !c.hostConfig().hostNetwork()
                        ? "/proc/" + c.state().pid() + "/ns/net"
                        : "";
        return new View(attachments, c.status().isAlive() ? portsOf.apply(c.id()) : List.of(), key);
    }
}
