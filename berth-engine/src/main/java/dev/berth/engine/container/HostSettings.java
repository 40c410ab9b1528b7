package dev.berth.engine.container;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.core.error.BerthException;
import dev.berth.engine.volume.MountRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A container's HostConfig: what Docker's create body says about resources, privileges, mounts,
 * restart and network. Docker's field names; the parts Berth acts on (the rest is kept and shown).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonIgnoreProperties(ignoreUnknown = true)
public record HostSettings(
        @JsonProperty("Binds") List<String> binds,
        @JsonProperty("NetworkMode") String networkMode,
        @JsonProperty("RestartPolicy") RestartPolicy restartPolicy,
        @JsonProperty("AutoRemove") boolean autoRemove,
        @JsonProperty("CapAdd") List<String> capAdd,
        @JsonProperty("CapDrop") List<String> capDrop,
        @JsonProperty("Privileged") boolean privileged,
        @JsonProperty("ReadonlyRootfs") boolean readonlyRootfs,
        @JsonProperty("SecurityOpt") List<String> securityOpt,
        @JsonProperty("Tmpfs") Map<String, String> tmpfs,
        @JsonProperty("Init") Boolean init,
        @JsonProperty("Memory") long memory,
        @JsonProperty("MemorySwap") long memorySwap,
        @JsonProperty("ShmSize") long shmSize,
        @JsonProperty("CpuShares") long cpuShares,
        @JsonProperty("NanoCpus") long nanoCpus,
        @JsonProperty("CpuQuota") long cpuQuota,
        @JsonProperty("CpuPeriod") long cpuPeriod,
        @JsonProperty("CpusetCpus") String cpusetCpus,
        @JsonProperty("CpusetMems") String cpusetMems,
        @JsonProperty("PidsLimit") Long pidsLimit,
        @JsonProperty("Sysctls") Map<String, String> sysctls,
        @JsonProperty("ConsoleSize") List<Integer> consoleSize,
        @JsonProperty("Runtime") String runtime,
        @JsonProperty("LogConfig") LogConfig logConfig,
        @JsonProperty("Mounts") List<MountRequest> mounts,
        @JsonProperty("VolumesFrom") List<String> volumesFrom,
        @JsonProperty("GroupAdd") List<String> groupAdd,
        @JsonProperty("Devices") List<DeviceMapping> devices,
        @JsonProperty("DeviceCgroupRules") List<String> deviceCgroupRules,
        @JsonProperty("BlkioDeviceReadBps") List<ThrottleDevice> blkioDeviceReadBps,
        @JsonProperty("BlkioDeviceWriteBps") List<ThrottleDevice> blkioDeviceWriteBps,
        @JsonProperty("BlkioDeviceReadIOps") List<ThrottleDevice> blkioDeviceReadIOps,
        @JsonProperty("BlkioDeviceWriteIOps") List<ThrottleDevice> blkioDeviceWriteIOps,
        @JsonProperty("PortBindings") Map<String, List<PortBinding>> portBindings,
        @JsonProperty("PublishAllPorts") boolean publishAllPorts,
        @JsonProperty("Dns") List<String> dns,
        @JsonProperty("DnsSearch") List<String> dnsSearch,
        @JsonProperty("DnsOptions") List<String> dnsOptions,
        @JsonProperty("ExtraHosts") List<String> extraHosts,
        @JsonProperty("Links") List<String> links,
        @JsonProperty("PidMode") String pidMode,
        @JsonProperty("IpcMode") String ipcMode,
        @JsonProperty("UTSMode") String utsMode,
        @JsonProperty("UsernsMode") String usernsMode) {

    public HostSettings {
        binds = binds == null ? List.of() : binds;
        networkMode = networkMode == null || networkMode.isEmpty() ? "default" : networkMode;
        restartPolicy = restartPolicy == null ? new RestartPolicy("no", 0) : restartPolicy;
        capAdd = capAdd == null ? List.of() : capAdd;
        capDrop = capDrop == null ? List.of() : capDrop;
        securityOpt = securityOpt == null ? List.of() : securityOpt;
        tmpfs = tmpfs == null ? Map.of() : tmpfs;
        cpusetCpus = cpusetCpus == null ? "" : cpusetCpus;
        cpusetMems = cpusetMems == null ? "" : cpusetMems;
        sysctls = sysctls == null ? Map.of() : sysctls;
        runtime = runtime == null ? "" : runtime; // "": the daemon's default, filled in at create
        logConfig = logConfig == null ? new LogConfig("", Map.of()) : logConfig;
        mounts = mounts == null ? List.of() : mounts;
        volumesFrom = volumesFrom == null ? List.of() : volumesFrom;
        groupAdd = groupAdd == null ? List.of() : groupAdd;
        devices = devices == null ? List.of() : devices;
        deviceCgroupRules = deviceCgroupRules == null ? List.of() : deviceCgroupRules;
        blkioDeviceReadBps = blkioDeviceReadBps == null ? List.of() : blkioDeviceReadBps;
        blkioDeviceWriteBps = blkioDeviceWriteBps == null ? List.of() : blkioDeviceWriteBps;
        blkioDeviceReadIOps = blkioDeviceReadIOps == null ? List.of() : blkioDeviceReadIOps;
        blkioDeviceWriteIOps = blkioDeviceWriteIOps == null ? List.of() : blkioDeviceWriteIOps;
        portBindings = portBindings == null ? Map.of() : portBindings;
        dns = dns == null ? List.of() : dns;
        dnsSearch = dnsSearch == null ? List.of() : dnsSearch;
        dnsOptions = dnsOptions == null ? List.of() : dnsOptions;
        extraHosts = extraHosts == null ? List.of() : extraHosts;
        links = links == null ? List.of() : links;
        pidMode = pidMode == null ? "" : pidMode;
        ipcMode = ipcMode == null || ipcMode.isEmpty() ? "private" : ipcMode; // dockerd's default-ipc-mode
        utsMode = utsMode == null ? "" : utsMode;
        usernsMode = usernsMode == null ? "" : usernsMode;
    }

    /** Every field of the API's HostConfig (v1.50). */
    private static final Set<String> KNOWN = Set.of(
            "CpuShares",
            "Memory",
            "CgroupParent",
            "BlkioWeight",
            "BlkioWeightDevice",
            "BlkioDeviceReadBps",
            "BlkioDeviceWriteBps",
            "BlkioDeviceReadIOps",
            "BlkioDeviceWriteIOps",
            "CpuPeriod",
            "CpuQuota",
            "CpuRealtimePeriod",
            "CpuRealtimeRuntime",
            "CpusetCpus",
            "CpusetMems",
            "Devices",
            "DeviceCgroupRules",
            "DeviceRequests",
            "KernelMemoryTCP",
            "MemoryReservation",
            "MemorySwap",
            "MemorySwappiness",
            "NanoCpus",
            "OomKillDisable",
            "Init",
            "PidsLimit",
            "Ulimits",
            "CpuCount",
            "CpuPercent",
            "IOMaximumIOps",
            "IOMaximumBandwidth",
            "Binds",
            "ContainerIDFile",
            "LogConfig",
            "NetworkMode",
            "PortBindings",
            "RestartPolicy",
            "AutoRemove",
            "VolumeDriver",
            "VolumesFrom",
            "Mounts",
            "ConsoleSize",
            "Annotations",
            "CapAdd",
            "CapDrop",
            "CgroupnsMode",
            "Dns",
            "DnsOptions",
            "DnsSearch",
            "ExtraHosts",
            "GroupAdd",
            "IpcMode",
            "Cgroup",
            "Links",
            "OomScoreAdj",
            "PidMode",
            "Privileged",
            "PublishAllPorts",
            "ReadonlyRootfs",
            "SecurityOpt",
            "StorageOpt",
            "Tmpfs",
            "UTSMode",
            "UsernsMode",
            "ShmSize",
            "Sysctls",
            "Runtime",
            "Isolation",
            "MaskedPaths",
            "ReadonlyPaths");

    /**
     * Fields applied by work in progress elsewhere (security: masked and read-only paths) and the
     * CLI's own ContainerIDFile: accepted here, not refused.
     */
    private static final Set<String> APPLIED_ELSEWHERE = Set.of("MaskedPaths", "ReadonlyPaths", "ContainerIDFile");

    /**
     * A create request's HostConfig. A field Berth does not apply is refused when it holds a value
     * (400 naming it), never accepted and dropped.
     */
    public static HostSettings parse(JsonNode hostConfig) {
        if (hostConfig == null || hostConfig.isNull()) {
            return defaults();
        }
        Set<String> applied = new HashSet<>(UnappliedFields.of(HostSettings.class));
        applied.addAll(APPLIED_ELSEWHERE);
        UnappliedFields.refuse(hostConfig, KNOWN, applied, "HostConfig");
        try {
            return ContainerDao.JSON.treeToValue(hostConfig, HostSettings.class);
        } catch (JsonProcessingException e) {
            throw BerthException.invalid("invalid JSON body: %s", e.getOriginalMessage());
        }
    }

    public static HostSettings defaults() {
        return new HostSettings(
                null, null, null, false, null, null, false, false, null, null, null, 0, 0, 0, 0, 0, 0, 0, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, false, null,
                null, null, null, null, null, null, null, null);
    }

    /** The same settings with what create fills in: the runtime ({@code --runtime}) and log config. */
    public HostSettings withDefaults(String runtimeName, LogConfig log) {
        return new HostSettings(
                binds,
                networkMode,
                restartPolicy,
                autoRemove,
                capAdd,
                capDrop,
                privileged,
                readonlyRootfs,
                securityOpt,
                tmpfs,
                init,
                memory,
                memorySwap,
                shmSize,
                cpuShares,
                nanoCpus,
                cpuQuota,
                cpuPeriod,
                cpusetCpus,
                cpusetMems,
                pidsLimit,
                sysctls,
                consoleSize,
                runtimeName,
                log,
                mounts,
                volumesFrom,
                groupAdd,
                devices,
                deviceCgroupRules,
                blkioDeviceReadBps,
                blkioDeviceWriteBps,
                blkioDeviceReadIOps,
                blkioDeviceWriteIOps,
                portBindings,
                publishAllPorts,
                dns,
                dnsSearch,
                dnsOptions,
                extraHosts,
                links,
                pidMode,
                ipcMode,
                utsMode,
                usernsMode);
    }

    /** The same settings with the resources and restart policy {@code docker update} gave. */
    HostSettings withUpdate(ContainerUpdate u) {
        return new HostSettings(
                binds,
                networkMode,
                u.restartPolicy() != null ? u.restartPolicy() : restartPolicy,
                autoRemove,
                capAdd,
                capDrop,
                privileged,
                readonlyRootfs,
                securityOpt,
                tmpfs,
                init,
                u.memory() != 0 ? u.memory() : memory,
                u.memorySwap() != 0 ? u.memorySwap() : memorySwap,
                shmSize,
                u.cpuShares() != 0 ? u.cpuShares() : cpuShares,
                u.nanoCpus() != 0 ? u.nanoCpus() : nanoCpus,
                u.cpuQuota() != 0 ? u.cpuQuota() : cpuQuota,
                u.cpuPeriod() != 0 ? u.cpuPeriod() : cpuPeriod,
                u.cpusetCpus().isEmpty() ? cpusetCpus : u.cpusetCpus(),
                u.cpusetMems().isEmpty() ? cpusetMems : u.cpusetMems(),
                u.pidsLimit() != null && u.pidsLimit() != 0 ? u.pidsLimit() : pidsLimit,
                sysctls,
                consoleSize,
                runtime,
                logConfig,
                mounts,
                volumesFrom,
                groupAdd,
                devices,
                deviceCgroupRules,
                blkioDeviceReadBps,
                blkioDeviceWriteBps,
                blkioDeviceReadIOps,
                blkioDeviceWriteIOps,
                portBindings,
                publishAllPorts,
                dns,
                dnsSearch,
                dnsOptions,
                extraHosts,
                links,
                pidMode,
                ipcMode,
                utsMode,
                usernsMode);
    }

    /** The same settings with its legacy links ({@code DELETE /containers/{id}?link=true} drops one). */
    public HostSettings withLinks(List<String> value) {
        return new HostSettings(
                binds,
                networkMode,
                restartPolicy,
                autoRemove,
                capAdd,
                capDrop,
                privileged,
                readonlyRootfs,
                securityOpt,
                tmpfs,
                init,
                memory,
                memorySwap,
                shmSize,
                cpuShares,
                nanoCpus,
                cpuQuota,
                cpuPeriod,
                cpusetCpus,
                cpusetMems,
                pidsLimit,
                sysctls,
                consoleSize,
                runtime,
                logConfig,
                mounts,
                volumesFrom,
                groupAdd,
                devices,
                deviceCgroupRules,
                blkioDeviceReadBps,
                blkioDeviceWriteBps,
                blkioDeviceReadIOps,
                blkioDeviceWriteIOps,
                portBindings,
                publishAllPorts,
                dns,
                dnsSearch,
                dnsOptions,
                extraHosts,
                List.copyOf(value),
                pidMode,
                ipcMode,
                utsMode,
                usernsMode);
    }

    /** One host address and port of a published port, Docker's PortBinding. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PortBinding(
            @JsonProperty("HostIp") String hostIp,
            @JsonProperty("HostPort") String hostPort) {
        public PortBinding {
            hostIp = hostIp == null ? "" : hostIp;
            hostPort = hostPort == null ? "" : hostPort;
        }
    }

    /** The container shares the host's network stack. */
    public boolean hostNetwork() {
        return networkMode.equals("host");
    }

    /** The container joined another's network namespace ({@code container:<id|name>}): its reference, or null. */
    public String networkContainer() {
        return networkMode.startsWith("container:") ? networkMode.substring("container:".length()) : null;
    }

    /** {@code --device-read-bps} and its siblings: a host's block device and a rate per second. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ThrottleDevice(
            @JsonProperty("Path") String path,
            @JsonProperty("Rate") long rate) {
        public ThrottleDevice {
            path = path == null ? "" : path;
        }
    }

    /** {@code --device}: a host's device node (or a directory of them), where it goes, and its access ("rwm"). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeviceMapping(
            @JsonProperty("PathOnHost") String pathOnHost,
            @JsonProperty("PathInContainer") String pathInContainer,
            @JsonProperty("CgroupPermissions") String cgroupPermissions) {
        public DeviceMapping {
            pathOnHost = pathOnHost == null ? "" : pathOnHost;
            pathInContainer = pathInContainer == null || pathInContainer.isEmpty() ? pathOnHost : pathInContainer;
            cgroupPermissions = cgroupPermissions == null || cgroupPermissions.isEmpty() ? "rwm" : cgroupPermissions;
        }
    }

    /** {@code RestartPolicy}: no, always, unless-stopped, on-failure with a maximum retry count. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RestartPolicy(
            @JsonProperty("Name") String name,
            @JsonProperty("MaximumRetryCount") int maximumRetryCount) {
        public RestartPolicy {
            name = name == null || name.isEmpty() ? "no" : name;
        }
    }

    /** {@code LogConfig}: a driver ("": the daemon's default, resolved at create) and its options. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LogConfig(
            @JsonProperty("Type") String type,
            @JsonProperty("Config") Map<String, String> config) {
        public LogConfig {
            type = type == null ? "" : type;
            config = config == null ? Map.of() : Map.copyOf(config);
        }
    }
}
