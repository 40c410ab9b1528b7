package dev.berth.runtime.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** config-linux.md: namespaces, cgroup resources and path, /proc and /sys hardening, devices, seccomp. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Linux(
        List<Namespace> namespaces,
        Resources resources,
        String cgroupsPath,
        List<String> maskedPaths,
        List<String> readonlyPaths,
        List<Device> devices,
        Map<String, String> sysctl,
        String rootfsPropagation,
        Seccomp seccomp) {

    public Linux {
        namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
        maskedPaths = maskedPaths == null ? List.of() : List.copyOf(maskedPaths);
        readonlyPaths = readonlyPaths == null ? List.of() : List.copyOf(readonlyPaths);
        devices = devices == null ? List.of() : List.copyOf(devices);
        sysctl = sysctl == null ? Map.of() : Map.copyOf(sysctl);
    }

    /** The same settings with {@code filter} as the seccomp filter (null: none). */
    public Linux withSeccomp(Seccomp filter) {
        return new Linux(
                namespaces,
                resources,
                cgroupsPath,
                maskedPaths,
                readonlyPaths,
                devices,
                sysctl,
                rootfsPropagation,
                filter);
    }

    public boolean hasNamespace(String type) {
        return namespaces.stream().anyMatch(n -> n.type().equals(type));
    }

    /** type: pid, network, mount, ipc, uts, user, cgroup, time; a path joins an existing one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Namespace(String type, String path) {
        public static Namespace of(String type) {
            return new Namespace(type, null);
        }
    }

    /** An extra device node to create in the container's /dev. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Device(String path, String type, long major, long minor, Integer fileMode, Long uid, Long gid) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Resources(Memory memory, Cpu cpu, Pids pids, List<DeviceRule> devices, BlockIO blockIO) {
        public Resources {
            devices = devices == null ? List.of() : List.copyOf(devices);
        }

        public static Resources none() {
            return new Resources(null, null, null, List.of(), null);
        }
    }

    /**
     * Bytes. {@code swap} is memory plus swap, as in cgroup v1's memsw and Docker's
     * --memory-swap; -1 means unlimited swap.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Memory(Long limit, Long reservation, Long swap, Long swappiness, Boolean disableOOMKiller) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Cpu(Long shares, Long quota, Long period, String cpus, String mems) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Pids(long limit) {}

    /** config-linux.md "Block IO": per-device limits of bytes and operations per second. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BlockIO(
            List<ThrottleDevice> throttleReadBpsDevice,
            List<ThrottleDevice> throttleWriteBpsDevice,
            List<ThrottleDevice> throttleReadIOPSDevice,
            List<ThrottleDevice> throttleWriteIOPSDevice) {
        public BlockIO {
            throttleReadBpsDevice = throttleReadBpsDevice == null ? List.of() : List.copyOf(throttleReadBpsDevice);
            throttleWriteBpsDevice = throttleWriteBpsDevice == null ? List.of() : List.copyOf(throttleWriteBpsDevice);
            throttleReadIOPSDevice = throttleReadIOPSDevice == null ? List.of() : List.copyOf(throttleReadIOPSDevice);
            throttleWriteIOPSDevice =
                    throttleWriteIOPSDevice == null ? List.of() : List.copyOf(throttleWriteIOPSDevice);
        }
    }

    /** A block device's major and minor numbers and a rate. */
    public record ThrottleDevice(long major, long minor, long rate) {}

    /** A devices-cgroup rule; null major or minor means any. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeviceRule(boolean allow, String type, Long major, Long minor, String access) {}
}
