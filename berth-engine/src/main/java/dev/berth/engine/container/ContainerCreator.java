package dev.berth.engine.container;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.image.ContainerConfig;
import dev.berth.core.metadata.ImageRow;
import dev.berth.core.snapshot.Snapshotter;
import dev.berth.core.sys.Mounts;
import dev.berth.engine.image.ImageServices;
import dev.berth.engine.image.LayerStore;
import dev.berth.engine.image.Leases;
import dev.berth.engine.volume.ContainerVolumes;
import dev.berth.engine.volume.MountPlanner;
import dev.berth.network.EndpointConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /containers/create}: resolves the image, merges its config with the request's (as
 * moby's merge), checks the host config, prepares the writable layer on top of the image's top
 * layer, then stores the row (files first: a failed insert removes the snapshot again).
 */
public final class ContainerCreator {
    private final ContainerStore store;
    private final ImageServices images;
    private final Snapshotter snapshots;
    private final ContainerEvents events;
    private final java.util.Set<String> runtimes;
    private final String defaultRuntime;
    private final ContainerVolumes volumes;
    private final LogDrivers logDrivers;
    private final ContainerNetworks networks;
    private final Clock clock;

    ContainerCreator(
            ContainerStore store,
            ImageServices images,
            Snapshotter snapshots,
            ContainerEvents events,
            java.util.Set<String> runtimes,
            String defaultRuntime,
            ContainerVolumes volumes,
            LogDrivers logDrivers,
            ContainerNetworks networks,
            Clock clock) {
        this.store = store;
        this.images = images;
        this.snapshots = snapshots;
        this.events = events;
        this.runtimes = runtimes;
        this.defaultRuntime = defaultRuntime;
        this.volumes = volumes;
        this.logDrivers = logDrivers;
        this.networks = networks;
        this.clock = clock;
    }

    /** What create answers: the ID and warnings. */
    public record Created(String id, List<String> warnings) {}

    public Created create(String name, ContainerSettings requested, HostSettings host) {
        return create(name, requested, host, Map.of());
    }

    /**
     * @param endpoints NetworkingConfig.EndpointsConfig: the settings of the container's endpoint
     *                  on each network by name ({@code --ip}, {@code --network-alias}, {@code --mac-address})
     */
    public Created create(
            String name, ContainerSettings requested, HostSettings host, Map<String, EndpointConfig> endpoints) {
        if (requested == null || requested.image() == null || requested.image().isEmpty()) {
            throw BerthException.invalid("config cannot be empty in order to create a container");
        }
        HostSettings hostConfig = host == null ? HostSettings.defaults() : host;
        // as Docker's, inspect then names the runtime and the log driver the daemon chose
        hostConfig = hostConfig.withDefaults(
                hostConfig.runtime().isEmpty() ? defaultRuntime : hostConfig.runtime(),
                logDrivers.forContainer(hostConfig.logConfig()));
        validate(hostConfig);
        validateModes(hostConfig, requested);
        if (requested.healthcheck() != null) {
            requested.healthcheck().check();
        }
        String imageName = requested.image();
        Digest imageId = images.resolver().resolve(imageName);
        // Leased until the container's row holds the image: an rmi meanwhile untags it and leaves
        // it for this container (as for one that exists); one that got there first took it away
        // before the lease, and the row says so.
        try (Leases.Lease lease = images.leases().acquire(List.of(imageId))) {
            ImageRow image = images.store()
                    .row(imageId)
                    .orElseThrow(() -> BerthException.notFound("No such image: %s", imageName));
            return create(name, requested, hostConfig, endpoints, imageName, image);
        }
    }

    private Created create(
            String name,
            ContainerSettings requested,
            HostSettings hostConfig,
            Map<String, EndpointConfig> endpoints,
            String imageName,
            ImageRow image) {
        Digest imageId = image.id();
        ContainerConfig imageConfig = images.store().config(imageId).value().configOrEmpty();
        ContainerSettings merged = requested.withImageDefaults(imageConfig);
        List<String> command = merged.command();
        if (command.isEmpty()) {
            throw BerthException.invalid("no command specified");
        }
        String id = ContainerNames.newId();
        Container networkOwner =
                hostConfig.networkContainer() == null ? null : store.resolve(hostConfig.networkContainer());
        joinable(hostConfig.pidMode());
        joinable(hostConfig.ipcMode());
        if (networkOwner != null) {
            // as Docker: the container answers to the name of the one whose network it shares
            merged = merged.withHostname(
                    networkOwner.config().hostname(), networkOwner.config().domainname());
        } else if (merged.hostname().isEmpty()) {
            merged = merged.withHostname(
                    hostConfig.hostNetwork() || hostConfig.utsMode().equals("host")
                            ? hostHostname()
                            : id.substring(0, 12),
                    merged.domainname());
        }
        for (String link : hostConfig.links()) {
            String target = ContainerNetworks.Link.parse(link).target();
            if (store.find(target).isEmpty()) {
                throw BerthException.notFound("could not get container for %s", target);
            }
        }
        String fullName = name == null || name.isEmpty() ? null : ContainerNames.normalize(name);
        if (fullName != null) {
            store.find(fullName).filter(c -> c.name().equals(fullName)).ifPresent(c -> {
                throw BerthException.conflict(
                        "Conflict. The container name \"%s\" is already in use by container "
                                + "\"%s\". You have to remove (or rename) that container to be able to reuse that name.",
                        fullName, c.id());
            });
        }
        List<MountPlanner.Planned> mounts = MountPlanner.plan(
                new MountPlanner.Request(
                        merged.volumes() == null ? List.of() : merged.volumes().keySet(),
                        hostConfig.binds(),
                        hostConfig.mounts(),
                        hostConfig.volumesFrom(),
                        hostConfig.tmpfs().keySet()),
                ref -> {
                    Container from = store.resolve(ref);
                    return new MountPlanner.Source(from.id(), from.hostConfig().binds());
                },
                volumes::mountsOf);
        String key = "ctr-" + id;
        String parent = image.topChainId() == null ? null : LayerStore.snapshotName(image.topChainId());
        snapshots.prepare(key, parent);
        try {
            volumes.attach(id, mounts, dir -> {
                snapshots.mounts(key).getFirst().mountAt(dir);
                return () -> Mounts.unmountDetach(dir);
            });
            Map<String, EndpointConfig> withLinks = endpointsWithLinks(hostConfig, endpoints);
            Container c = null;
            for (int attempt = 0; c == null; attempt++) {
                String n = fullName != null ? fullName : ContainerNames.random();
                Container candidate = new Container(
                        id,
                        n,
                        imageId,
                        imageName,
                        clock.instant(),
                        merged,
                        hostConfig,
                        command.getFirst(),
                        command.subList(1, command.size()),
                        ContainerState.created(),
                        key);
                try {
                    // its endpoint rows commit with its row: one transaction, one fsync
                    store.insert(candidate, tx -> {
                        networks.networking()
                                .create(
                                        tx,
                                        id,
                                        fullName == null ? id : fullName.substring(1),
                                        hostConfig.networkMode(),
                                        withLinks);
                        return null;
                    });
                    c = candidate;
                } catch (BerthException e) {
                    if (fullName != null || e.kind() != ErrorKind.CONFLICT || attempt > 20) {
                        throw e;
                    }
                }
            }
            events.publish(c, "create");
            return new Created(id, warnings(hostConfig));
        } catch (RuntimeException e) {
            try {
                volumes.detach(id, true);
                networks.networking().remove(id);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            snapshots.remove(key);
            throw e;
        }
    }

    /**
     * The endpoint settings with the legacy links of a user-defined network: there Docker resolves
     * them through the embedded DNS server, as aliases only the linking container sees.
     */
    private static Map<String, EndpointConfig> endpointsWithLinks(HostSettings h, Map<String, EndpointConfig> given) {
        String mode = h.networkMode();
        if (h.links().isEmpty()
                || List.of("default", "bridge", "host", "none").contains(mode)
                || mode.startsWith("container:")) {
            return given;
        }
        Map<String, EndpointConfig> out = new LinkedHashMap<>(given);
        EndpointConfig own = out.getOrDefault(mode, EndpointConfig.EMPTY);
        List<String> links = new ArrayList<>(own.links());
        for (String link : h.links()) {
            ContainerNetworks.Link l = ContainerNetworks.Link.parse(link);
            links.add(l.target() + ":" + l.alias());
        }
        out.put(mode, new EndpointConfig(own.ipamConfig(), links, own.aliases(), own.macAddress(), own.driverOpts()));
        return out;
    }

    /** A {@code container:<id>} PID or IPC mode names a container that exists. */
    private void joinable(String mode) {
        if (mode.startsWith("container:")) {
            store.resolve(mode.substring("container:".length()));
        }
    }

    /** moby's runconfig checks of the network, PID, IPC, UTS and user namespace modes. */
    private static void validateModes(HostSettings h, ContainerSettings requested) {
        String mode = h.networkMode();
        if (mode.startsWith("container:")) {
            if (!requested.hostname().isEmpty()) {
                throw BerthException.invalid("conflicting options: hostname and the network mode");
            }
            if (!h.portBindings().isEmpty() || h.publishAllPorts()) {
                throw BerthException.invalid(
                        "conflicting options: port publishing and the container type network mode");
            }
            if (!h.dns().isEmpty()
                    || !h.dnsSearch().isEmpty()
                    || !h.dnsOptions().isEmpty()) {
                throw BerthException.invalid("conflicting options: dns and the network mode");
            }
            if (!h.extraHosts().isEmpty()) {
                throw BerthException.invalid("conflicting options: custom host-to-IP mapping and the network mode");
            }
            if (!h.links().isEmpty()) {
                throw BerthException.invalid("conflicting options: container type network can't be used with links. "
                        + "This would result in undefined behavior");
            }
        }
        if (mode.equals("host") && !h.links().isEmpty()) {
            throw BerthException.invalid("conflicting options: host type networking can't be used with links. "
                    + "This would result in undefined behavior");
        }
        String pid = h.pidMode();
        if (!pid.isEmpty() && !pid.equals("host") && !pid.startsWith("container:")) {
            throw BerthException.invalid("invalid --pid: %s", pid);
        }
        String ipc = h.ipcMode();
        if (!List.of("private", "shareable", "none", "host").contains(ipc) && !ipc.startsWith("container:")) {
            throw BerthException.invalid("invalid IPC mode: %s", ipc);
        }
        String uts = h.utsMode();
        if (!uts.isEmpty() && !uts.equals("host")) {
            throw BerthException.invalid("invalid UTS mode: %s", uts);
        }
        if (uts.equals("host") && !requested.hostname().isEmpty()) {
            throw BerthException.invalid("conflicting options: hostname and the UTS mode");
        }
        String userns = h.usernsMode();
        if (!userns.isEmpty() && !userns.equals("host")) {
            throw BerthException.invalid("invalid USER mode: %s", userns);
        }
    }

    private void validate(HostSettings h) {
        if (!runtimes.contains(h.runtime())) {
            throw BerthException.invalid("unknown or invalid runtime name: %s", h.runtime());
        }
        checkLimits(h);
    }

    /** The limits and restart policy, as moby's verifyPlatformContainerResources (create and update). */
    static void checkLimits(HostSettings h) {
        // moby's verifyPlatformContainerResources: a negative limit is below the minimum too
        if (h.memory() != 0 && h.memory() < 6 * 1024 * 1024) {
            throw BerthException.invalid("Minimum memory limit allowed is 6MB");
        }
        if (h.memorySwap() > 0 && h.memory() > 0 && h.memorySwap() < h.memory()) {
            throw BerthException.invalid("Minimum memoryswap limit should be larger than memory limit, see usage");
        }
        SecurityOptions.parse(h.securityOpt()); // refused here, as moby's parseSecurityOpt does at create
        if (h.shmSize() < 0) {
            throw BerthException.invalid("SHM size can not be less than 0");
        }
        HostDevices.check(h);
        if (h.nanoCpus() > 0 && (h.cpuQuota() > 0 || h.cpuPeriod() > 0)) {
            throw BerthException.invalid("Conflicting options: Nano CPUs and CPU Period cannot both be set");
        }
        String policy = h.restartPolicy().name();
        if (!List.of("no", "always", "unless-stopped", "on-failure").contains(policy)) {
            throw BerthException.invalid("invalid restart policy '%s'", policy);
        }
        if (h.autoRemove() && !policy.equals("no")) {
            throw BerthException.invalid("can't create 'AutoRemove' container with restart policy");
        }
        if (h.restartPolicy().maximumRetryCount() != 0 && !policy.equals("on-failure")) {
            throw BerthException.invalid(
                    "invalid restart policy: maximum retry count can only be used with 'on-failure'");
        }
    }

    /** Docker's warnings (e.g. about limits the kernel lacks); none yet. */
    private static List<String> warnings(HostSettings h) {
        return List.of();
    }

    private static String hostHostname() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname"))
                    .trim();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
