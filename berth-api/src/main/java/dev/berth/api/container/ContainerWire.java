package dev.berth.api.container;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerNetworks;
import dev.berth.engine.container.ContainerQueries;
import dev.berth.engine.container.ContainerState;
import dev.berth.engine.container.ExecService;
import dev.berth.engine.container.Health;
import dev.berth.engine.container.HostSettings;
import dev.berth.engine.volume.MountPoint;
import dev.berth.network.ContainerNetworking;
import dev.berth.network.Endpoint;
import dev.berth.network.EndpointConfig;
import dev.berth.network.port.PortMapping;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Docker Engine API's container JSON shapes (ContainerInspectResponse, ContainerSummary,
 * ExecInspectResponse, ContainerWaitResponse), built as ordered maps from the engine's records:
 * Docker's field order, and the many fixed fields clients expect to find.
 */
final class ContainerWire {
    static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    /** Go's RFC3339Nano: trailing zeros of the fraction dropped. */
    private static final DateTimeFormatter RFC3339_NANO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private ContainerWire() {}

    static String time(Instant t) {
        if (t == null) {
            return ZERO_TIME;
        }
        String s = RFC3339_NANO.format(t);
        int dot = s.indexOf('.');
        String frac = s.substring(dot + 1, s.length() - 1).replaceAll("0+$", "");
        return s.substring(0, dot) + (frac.isEmpty() ? "" : "." + frac) + "Z";
    }

    /** Docker's log timestamps: RFC3339 with all nine fraction digits. */
    static String logTime(Instant t) {
        return RFC3339_NANO.format(t);
    }

    static Map<String, Object> state(ContainerState s, Health.Snapshot health) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Status", s.status().word());
        m.put("Running", s.status().isAlive());
        m.put("Paused", s.status() == dev.berth.engine.container.ContainerStatus.PAUSED);
        m.put("Restarting", s.status() == dev.berth.engine.container.ContainerStatus.RESTARTING);
        m.put("OOMKilled", s.oomKilled());
        m.put("Dead", s.status() == dev.berth.engine.container.ContainerStatus.DEAD);
        m.put("Pid", s.pid());
        m.put("ExitCode", s.exitCode());
        m.put("Error", s.error());
        m.put("StartedAt", time(s.startedAt()));
        m.put("FinishedAt", time(s.finishedAt()));
        if (health != null) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("Status", health.status().word());
            h.put("FailingStreak", health.failingStreak());
            h.put(
                    "Log",
                    health.log().stream()
                            .map(r -> {
                                Map<String, Object> entry = new LinkedHashMap<>();
                                entry.put("Start", time(r.start()));
                                entry.put("End", time(r.end()));
                                entry.put("ExitCode", r.exitCode());
                                entry.put("Output", r.output());
                                return entry;
                            })
                            .toList());
            m.put("Health", h);
        }
        return m;
    }

    static Map<String, Object> inspect(
            Container c,
            Map<String, String> paths,
            String driver,
            Map<String, String> graphData,
            ContainerQueries.Sizes sizes,
            List<String> execIds,
            Health.Snapshot health,
            ContainerNetworks.View network) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", c.id());
        m.put("Created", time(c.created()));
        m.put("Path", c.path());
        m.put("Args", c.args());
        m.put("State", state(c.state(), health));
        m.put("Image", c.imageId().toString());
        m.put("ResolvConfPath", paths.get("resolv"));
        m.put("HostnamePath", paths.get("hostname"));
        m.put("HostsPath", paths.get("hosts"));
        m.put("LogPath", paths.get("log"));
        m.put("Name", c.name());
        m.put("RestartCount", c.state().restartCount());
        m.put("Driver", driver);
        m.put("Platform", "linux");
        m.put("MountLabel", "");
        m.put("ProcessLabel", "");
        m.put("AppArmorProfile", "");
        m.put("ExecIDs", execIds.isEmpty() ? null : execIds);
        m.put("HostConfig", hostConfig(c.hostConfig()));
        m.put("GraphDriver", Map.of("Data", graphData, "Name", driver));
        if (sizes != null) {
            m.put("SizeRw", sizes.rw());
            m.put("SizeRootFs", sizes.rootFs());
        }
        m.put("Mounts", mounts(c.hostConfig()));
        m.put("Config", c.config());
        m.put("NetworkSettings", networkSettings(c, network));
        return m;
    }

    static Map<String, Object> hostConfig(HostSettings h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Binds", h.binds().isEmpty() ? null : h.binds());
        m.put("ContainerIDFile", "");
        m.put("LogConfig", h.logConfig());
        m.put("NetworkMode", h.networkMode());
        m.put("PortBindings", h.portBindings());
        m.put("RestartPolicy", h.restartPolicy());
        m.put("AutoRemove", h.autoRemove());
        m.put("VolumeDriver", "");
        m.put("VolumesFrom", h.volumesFrom().isEmpty() ? null : h.volumesFrom());
        m.put("ConsoleSize", h.consoleSize() == null ? List.of(0, 0) : h.consoleSize());
        m.put("CapAdd", h.capAdd().isEmpty() ? null : h.capAdd());
        m.put("CapDrop", h.capDrop().isEmpty() ? null : h.capDrop());
        m.put("CgroupnsMode", "private");
        m.put("Dns", h.dns());
        m.put("DnsOptions", h.dnsOptions());
        m.put("DnsSearch", h.dnsSearch());
        m.put("ExtraHosts", h.extraHosts().isEmpty() ? null : h.extraHosts());
        m.put("GroupAdd", h.groupAdd().isEmpty() ? null : h.groupAdd());
        m.put("IpcMode", h.ipcMode());
        m.put("Cgroup", "");
        m.put("Links", h.links().isEmpty() ? null : h.links());
        m.put("OomScoreAdj", 0);
        m.put("PidMode", h.pidMode());
        m.put("Privileged", h.privileged());
        m.put("PublishAllPorts", h.publishAllPorts());
        m.put("ReadonlyRootfs", h.readonlyRootfs());
        m.put("SecurityOpt", h.securityOpt().isEmpty() ? null : h.securityOpt());
        m.put("Tmpfs", h.tmpfs().isEmpty() ? null : h.tmpfs());
        m.put("UTSMode", h.utsMode());
        m.put("UsernsMode", h.usernsMode());
        m.put("ShmSize", h.shmSize() > 0 ? h.shmSize() : dev.berth.runtime.spec.SpecBuilder.DEFAULT_SHM_SIZE);
        m.put("Sysctls", h.sysctls().isEmpty() ? null : h.sysctls());
        m.put("Runtime", h.runtime());
        m.put("Isolation", "");
        m.put("CpuShares", h.cpuShares());
        m.put("Memory", h.memory());
        m.put("NanoCpus", h.nanoCpus());
        m.put("CgroupParent", "");
        m.put("BlkioWeight", 0);
        m.put("BlkioWeightDevice", List.of());
        m.put("BlkioDeviceReadBps", h.blkioDeviceReadBps());
        m.put("BlkioDeviceWriteBps", h.blkioDeviceWriteBps());
        m.put("BlkioDeviceReadIOps", h.blkioDeviceReadIOps());
        m.put("BlkioDeviceWriteIOps", h.blkioDeviceWriteIOps());
        m.put("CpuPeriod", h.cpuPeriod());
        m.put("CpuQuota", h.cpuQuota());
        m.put("CpuRealtimePeriod", 0);
        m.put("CpuRealtimeRuntime", 0);
        m.put("CpusetCpus", h.cpusetCpus());
        m.put("CpusetMems", h.cpusetMems());
        m.put("Devices", h.devices());
        m.put("DeviceCgroupRules", h.deviceCgroupRules().isEmpty() ? null : h.deviceCgroupRules());
        m.put("MemoryReservation", 0);
        m.put("MemorySwap", h.memorySwap());
        m.put("MemorySwappiness", null);
        m.put("OomKillDisable", null);
        m.put("PidsLimit", h.pidsLimit());
        m.put("Ulimits", List.of());
        m.put("Init", h.init());
        if (!h.mounts().isEmpty()) {
            m.put("Mounts", h.mounts());
        }
        return m;
    }

    /** Inspect's Mounts: the host-path Binds, then the container's other mount points (volumes, --mount …). */
    static List<Map<String, Object>> mounts(
            HostSettings h, List<MountPoint> points, Function<MountPoint, Path> source) {
        List<Map<String, Object>> out = mounts(h);
        for (MountPoint p : points) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Type", p.type());
            if (p.isVolume()) {
                m.put("Name", p.volumeName());
            }
            m.put(
                    "Source",
                    p.type().equals(MountPoint.TMPFS) ? "" : source.apply(p).toString());
            m.put("Destination", p.destination());
            if (p.isVolume()) {
                m.put("Driver", "local");
            }
            m.put("Mode", p.mode());
            m.put("RW", p.rw());
            m.put("Propagation", p.propagation());
            out.add(m);
        }
        return out;
    }

    static List<Map<String, Object>> mounts(HostSettings h) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String bind : h.binds()) {
            String[] parts = bind.split(":");
            if (parts.length < 2 || !parts[0].startsWith("/")) {
                continue; // volumes are among the container's mount points
            }
            String mode = parts.length == 3 ? parts[2] : "";
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Type", "bind");
            m.put("Source", parts[0]);
            m.put("Destination", parts[1]);
            m.put("Mode", mode);
            m.put("RW", !List.of(mode.split(",")).contains("ro"));
            m.put("Propagation", "rprivate");
            out.add(m);
        }
        return out;
    }

    /** Inspect's NetworkSettings: each network's endpoint, the published ports, and the default bridge's legacy fields. */
    static Map<String, Object> networkSettings(Container c, ContainerNetworks.View view) {
        Map<String, Object> networks = new LinkedHashMap<>();
        Map<String, Object> bridge = null;
        for (ContainerNetworking.Attachment a : view.networks()) {
            Map<String, Object> e = endpoint(a);
            networks.put(a.network().name(), e);
            if (a.network().isDefaultBridge()) {
                bridge = e;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Bridge", "");
        m.put("SandboxID", view.sandboxKey().isEmpty() ? "" : c.id());
        m.put("SandboxKey", view.sandboxKey());
        m.put("Ports", ports(c, view));
        m.put("HairpinMode", false);
        m.put("LinkLocalIPv6Address", "");
        m.put("LinkLocalIPv6PrefixLen", 0);
        m.put("SecondaryIPAddresses", null);
        m.put("SecondaryIPv6Addresses", null);
        for (String legacy : List.of("EndpointID", "Gateway")) {
            m.put(legacy, bridge == null ? "" : bridge.get(legacy));
        }
        m.put("GlobalIPv6Address", "");
        m.put("GlobalIPv6PrefixLen", 0);
        m.put("IPAddress", bridge == null ? "" : bridge.get("IPAddress"));
        m.put("IPPrefixLen", bridge == null ? 0 : bridge.get("IPPrefixLen"));
        m.put("IPv6Gateway", "");
        m.put("MacAddress", bridge == null ? "" : bridge.get("MacAddress"));
        m.put("Networks", networks);
        return m;
    }

    /** One network's EndpointSettings: what the user asked, and what it holds while it runs. */
    static Map<String, Object> endpoint(ContainerNetworking.Attachment a) {
        EndpointConfig cfg = a.endpoint().config();
        Endpoint.Lease lease = a.endpoint().lease();
        boolean bridged = lease != null && lease.ip() != null;
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("IPAMConfig", cfg.ipamConfig());
        e.put("Links", cfg.links().isEmpty() ? null : cfg.links());
        e.put("Aliases", cfg.aliases().isEmpty() ? null : cfg.aliases());
        e.put("MacAddress", bridged ? lease.mac() : cfg.macAddress());
        e.put("DriverOpts", cfg.driverOpts());
        e.put("GwPriority", 0);
        e.put("NetworkID", lease == null ? "" : a.network().id());
        e.put("EndpointID", lease == null ? "" : lease.endpointId());
        e.put("Gateway", bridged ? a.network().gateway().toString() : "");
        e.put("IPAddress", bridged ? lease.ip().toString() : "");
        e.put("IPPrefixLen", bridged ? a.network().subnet().prefixLength() : 0);
        e.put("IPv6Gateway", "");
        e.put("GlobalIPv6Address", "");
        e.put("GlobalIPv6PrefixLen", 0);
        e.put(
                "DNSNames",
                lease != null && a.network().hasEmbeddedDns() ? ContainerNetworking.dnsNames(a.endpoint()) : null);
        return e;
    }

    /**
     * Docker's PortMap of a running container: each published port with its host addresses, and
     * each exposed port that is not published with null; a stopped container's is empty.
     */
    static Map<String, Object> ports(Container c, ContainerNetworks.View view) {
        Map<String, Object> ports = new java.util.TreeMap<>();
        if (view.sandboxKey().isEmpty()) {
            return ports;
        }
        if (c.config().exposedPorts() != null) {
            for (String key : c.config().exposedPorts().keySet()) {
                ports.put(key.contains("/") ? key : key + "/tcp", null);
            }
        }
        for (PortMapping p : view.ports()) {
            @SuppressWarnings("unchecked")
            List<Map<String, String>> list = (List<Map<String, String>>) ports.get(p.key());
            if (list == null) {
                list = new ArrayList<>();
                ports.put(p.key(), list);
            }
            list.add(Map.of("HostIp", p.hostIp().toString(), "HostPort", Integer.toString(p.hostPort())));
        }
        return ports;
    }

    /** ps's Ports: published ones with their host side, exposed ones without. */
    static List<Map<String, Object>> summaryPorts(Container c, ContainerNetworks.View view) {
        List<Map<String, Object>> out = new ArrayList<>();
        ports(c, view).forEach((key, bindings) -> {
            String[] parts = key.split("/");
            int privatePort = Integer.parseInt(parts[0]);
            if (bindings == null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("PrivatePort", privatePort);
                m.put("Type", parts[1]);
                out.add(m);
                return;
            }
            @SuppressWarnings("unchecked")
            List<Map<String, String>> list = (List<Map<String, String>>) bindings;
            for (Map<String, String> b : list) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("IP", b.get("HostIp"));
                m.put("PrivatePort", privatePort);
                m.put("PublicPort", Integer.parseInt(b.get("HostPort")));
                m.put("Type", parts[1]);
                out.add(m);
            }
        });
        return out;
    }

    static Map<String, Object> summary(
            Container c, String image, String status, ContainerQueries.Sizes sizes, ContainerNetworks.View network) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", c.id());
        m.put("Names", List.of(c.name()));
        m.put("Image", image);
        m.put("ImageID", c.imageId().toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(c.path());
        cmd.addAll(c.args());
        m.put("Command", String.join(" ", cmd));
        m.put("Created", c.created().getEpochSecond());
        m.put("Ports", summaryPorts(c, network));
        if (sizes != null) {
            m.put("SizeRw", sizes.rw());
            m.put("SizeRootFs", sizes.rootFs());
        }
        m.put("Labels", c.config().labels());
        m.put("State", c.status().word());
        m.put("Status", status);
        m.put("HostConfig", Map.of("NetworkMode", c.hostConfig().networkMode()));
        Map<String, Object> nets = new LinkedHashMap<>();
        nets.put("Networks", networkSettings(c, network).get("Networks"));
        m.put("NetworkSettings", nets);
        m.put("Mounts", mounts(c.hostConfig()));
        return m;
    }

    static Map<String, Object> exec(ExecService.Exec e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("CanRemove", false);
        m.put("ContainerID", e.containerId());
        m.put("DetachKeys", e.settings().detachKeys());
        m.put("ExitCode", e.exitCode());
        m.put("ID", e.id());
        m.put("OpenStderr", e.settings().attachStderr());
        m.put("OpenStdin", e.settings().attachStdin());
        m.put("OpenStdout", e.settings().attachStdout());
        Map<String, Object> p = new LinkedHashMap<>();
        List<String> cmd = e.settings().cmd();
        p.put("arguments", cmd.subList(1, cmd.size()));
        p.put("entrypoint", cmd.getFirst());
        p.put("privileged", e.settings().privileged());
        p.put("tty", e.settings().tty());
        p.put("user", e.settings().user());
        m.put("ProcessConfig", p);
        m.put("Running", e.running());
        m.put("Pid", e.pid());
        return m;
    }
}
