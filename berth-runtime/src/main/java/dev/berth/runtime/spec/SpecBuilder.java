package dev.berth.runtime.spec;

import dev.berth.runtime.spec.Linux.DeviceRule;
import dev.berth.runtime.spec.Linux.Namespace;
import dev.berth.runtime.spec.Process.Rlimit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a spec the way Docker does for `docker run` (moby oci/defaults.go and daemon/oci_linux.go):
 * the default capability set, the default mounts, masked and read-only /proc and /sys paths, a
 * devices cgroup that only lets the standard nodes through, and the resource limits given.
 */
public final class SpecBuilder {
    /** Docker's /dev/shm size when --shm-size is not given. */
    public static final long DEFAULT_SHM_SIZE = 64L * 1024 * 1024;

    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** moby oci/defaults.go, plus /sys/devices/virtual/powercap (masked since Docker 25). */
    public static final List<String> MASKED_PATHS = List.of(
            "/proc/asound",
            "/proc/acpi",
            "/proc/interrupts",
            "/proc/kcore",
            "/proc/keys",
            "/proc/latency_stats",
            "/proc/timer_list",
            "/proc/timer_stats",
            "/proc/sched_debug",
            "/proc/scsi",
            "/sys/firmware",
            "/sys/devices/virtual/powercap");

    public static final List<String> READONLY_PATHS =
            List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    private List<String> args = List.of();
    private List<String> env = new ArrayList<>();
    private String cwd = "/";
    private long uid;
    private long gid;
    private List<Long> groups = List.of();
    private String hostname;
    private boolean terminal;
    private Process.ConsoleSize consoleSize;
    private String rootPath = "rootfs";
    private boolean readonlyRootfs;
    private List<String> capAdd = List.of();
    private List<String> capDrop = List.of();
    private boolean privileged;
    private final List<Linux.Device> devices = new ArrayList<>();
    private final List<DeviceRule> deviceRules = new ArrayList<>();
    private Linux.BlockIO blockIO;
    private long privilegedCaps = -1;
    private boolean noNewPrivileges;
    private Long memory;
    private Long memorySwap;
    private Long cpuShares;
    private Long cpuQuota;
    private Long cpuPeriod;
    private String cpusetCpus;
    private String cpusetMems;
    private Long pidsLimit;
    /** By type: HOST for the daemon's own namespace, or the path of another's to join; absent: a new one. */
    private final Map<String, String> sharedNamespaces = new LinkedHashMap<>();

    private final List<String> withoutMounts = new ArrayList<>();

    /** {@link #namespace}'s value for the daemon's own namespace (no namespace of that type in the spec). */
    public static final String HOST = "host";

    private String cgroupsPath;
    private final List<Mount> extraMounts = new ArrayList<>();
    private long shmSize = DEFAULT_SHM_SIZE;
    private final List<Rlimit> rlimits = new ArrayList<>();
    private final Map<String, String> sysctl = new LinkedHashMap<>();
    private final Map<String, String> annotations = new LinkedHashMap<>();

    public static SpecBuilder dockerDefaults() {
        return new SpecBuilder();
    }

    public SpecBuilder args(List<String> value) {
        this.args = List.copyOf(value);
        return this;
    }

    public SpecBuilder args(String... value) {
        return args(List.of(value));
    }

    public SpecBuilder env(List<String> value) {
        this.env = new ArrayList<>(value);
        return this;
    }

    public SpecBuilder cwd(String value) {
        this.cwd = value;
        return this;
    }

    public SpecBuilder user(long uid, long gid, List<Long> additionalGids) {
        this.uid = uid;
        this.gid = gid;
        this.groups = List.copyOf(additionalGids);
        return this;
    }

    public SpecBuilder hostname(String value) {
        this.hostname = value;
        return this;
    }

    public SpecBuilder terminal(boolean value) {
        this.terminal = value;
        return this;
    }

    public SpecBuilder consoleSize(int height, int width) {
        this.consoleSize = new Process.ConsoleSize(height, width);
        return this;
    }
    /** The rootfs directory: absolute, or relative to the bundle (for external runtimes). */
    public SpecBuilder rootPath(String value) {
        this.rootPath = value;
        return this;
    }

    public SpecBuilder readonlyRootfs(boolean value) {
        this.readonlyRootfs = value;
        return this;
    }

    public SpecBuilder capAdd(List<String> value) {
        this.capAdd = List.copyOf(value);
        return this;
    }

    public SpecBuilder capDrop(List<String> value) {
        this.capDrop = List.copyOf(value);
        return this;
    }

    /**
     * --privileged: every capability in {@code heldBounding} (the daemon's own bounding set, see
     * {@link Caps#heldBounding()}), no masked or read-only paths, writable /sys, all devices.
     */
    public SpecBuilder privileged(boolean value, long heldBounding) {
        this.privileged = value;
        this.privilegedCaps = heldBounding;
        return this;
    }

    /** --device: a node made in the container, and the cgroup rule that lets it be used with {@code access}. */
    public SpecBuilder device(Linux.Device node, String access) {
        devices.add(node);
        deviceRules.add(new DeviceRule(true, node.type(), node.major(), node.minor(), access));
        return this;
    }

    /** --device-read-bps and its siblings (null: none). */
    public SpecBuilder blockIO(Linux.BlockIO value) {
        this.blockIO = value;
        return this;
    }

    /** --device-cgroup-rule: a devices-cgroup rule that allows more than Docker's defaults. */
    public SpecBuilder allowDevices(DeviceRule rule) {
        deviceRules.add(rule);
        return this;
    }

    public SpecBuilder noNewPrivileges(boolean value) {
        this.noNewPrivileges = value;
        return this;
    }
    /** --memory in bytes (0 = unlimited). */
    public SpecBuilder memory(long bytes) {
        this.memory = bytes > 0 ? bytes : null;
        return this;
    }
    /** --shm-size: the size of /dev/shm in bytes (0 = Docker's default, 64 MiB). */
    public SpecBuilder shmSize(long bytes) {
        this.shmSize = bytes > 0 ? bytes : DEFAULT_SHM_SIZE;
        return this;
    }

    /** --memory-swap: memory plus swap in bytes; -1 unlimited, 0 = Docker's default (twice --memory). */
    public SpecBuilder memorySwap(long bytes) {
        this.memorySwap = bytes != 0 ? bytes : null;
        return this;
    }

    public SpecBuilder cpuShares(long value) {
        this.cpuShares = value > 0 ? value : null;
        return this;
    }

    public SpecBuilder cpuQuota(long micros) {
        this.cpuQuota = micros > 0 ? micros : null;
        return this;
    }

    public SpecBuilder cpuPeriod(long micros) {
        this.cpuPeriod = micros > 0 ? micros : null;
        return this;
    }
    /** --cpus: a quota over Docker's 100ms period. */
    public SpecBuilder nanoCpus(long nanoCpus) {
        if (nanoCpus > 0) {
            this.cpuPeriod = 100_000L;
            this.cpuQuota = nanoCpus * 100_000L / 1_000_000_000L;
        }
        return this;
    }

    public SpecBuilder cpusetCpus(String value) {
        this.cpusetCpus = blankToNull(value);
        return this;
    }

    public SpecBuilder cpusetMems(String value) {
        this.cpusetMems = blankToNull(value);
        return this;
    }

    public SpecBuilder pidsLimit(long value) {
        this.pidsLimit = value > 0 ? value : null;
        return this;
    }
    /**
     * The container's namespace of {@code type} (network, pid, ipc, uts): {@link #HOST} to share the
     * daemon's, or the path of another container's (/proc/PID/ns/TYPE) to join; without this, a
     * namespace of its own.
     */
    public SpecBuilder namespace(String type, String mode) {
        this.sharedNamespaces.put(type, mode);
        return this;
    }

    /** Leaves out one of Docker's default mounts (/dev/shm for --ipc none). */
    public SpecBuilder withoutMount(String destination) {
        this.withoutMounts.add(destination);
        return this;
    }
    /** Relative to each hierarchy's root, e.g. "/berth/&lt;id&gt;". */
    public SpecBuilder cgroupsPath(String value) {
        this.cgroupsPath = value;
        return this;
    }

    public SpecBuilder mount(Mount mount) {
        this.extraMounts.add(mount);
        return this;
    }

    public SpecBuilder bind(String source, String destination, boolean readOnly) {
        return mount(Mount.bind(source, destination, readOnly));
    }
    /** --tmpfs: Docker's defaults are noexec,nosuid,nodev. */
    public SpecBuilder tmpfs(String destination, List<String> options) {
        List<String> all = new ArrayList<>(List.of("nosuid", "noexec", "nodev"));
        all.addAll(options);
        return mount(Mount.tmpfs(destination, all));
    }

    public SpecBuilder rlimit(String type, long soft, long hard) {
        this.rlimits.add(new Rlimit(type, hard, soft));
        return this;
    }

    public SpecBuilder sysctl(String key, String value) {
        this.sysctl.put(key, value);
        return this;
    }

    public SpecBuilder annotation(String key, String value) {
        this.annotations.put(key, value);
        return this;
    }

    public Spec build() {
        List<String> fullEnv = new ArrayList<>(env);
        if (fullEnv.stream().noneMatch(e -> e.startsWith("PATH="))) {
            fullEnv.addFirst("PATH=" + DEFAULT_PATH);
        }
        List<String> caps = privileged ? Caps.names(privilegedCaps) : Caps.tweak(Caps.DOCKER_DEFAULT, capAdd, capDrop);
        // runc also sets the inheritable set to the same list; Docker 24+ leaves it empty (CVE-2022-24769)
        Process.Capabilities capabilities = new Process.Capabilities(caps, caps, caps, List.of(), List.of());
        Process process = new Process(
                terminal,
                consoleSize,
                new Process.User(uid, gid, groups),
                args,
                fullEnv,
                cwd,
                capabilities,
                rlimits,
                noNewPrivileges);

        List<Mount> mounts = new ArrayList<>(defaultMounts());
        mounts.removeIf(m -> withoutMounts.contains(m.destination()));
        for (Mount extra : extraMounts) {
            // a user mount replaces a default one at the same place, as in Docker
            mounts.removeIf(m -> m.destination().equals(extra.destination()));
            mounts.add(extra);
        }

        List<Namespace> namespaces = new ArrayList<>();
        for (String type : List.of("pid", "ipc", "uts", "mount", "cgroup", "network")) {
            String mode = sharedNamespaces.get(type);
            if (mode == null) {
                namespaces.add(Namespace.of(type));
            } else if (!mode.equals(HOST)) {
                namespaces.add(new Namespace(type, mode));
            }
        }

        Linux.Memory mem = null;
        if (memory != null || memorySwap != null) {
            Long swap = memorySwap;
            if (swap == null && memory != null) {
                // Docker: --memory without --memory-swap allows as much swap again; a limit so large
                // that twice it overflows is no limit on swap (Docker's runc starts such a container)
                swap = memory > Long.MAX_VALUE / 2 ? -1 : memory * 2;
            }
            mem = new Linux.Memory(memory, null, swap, null, null);
        }
        Linux.Cpu cpu =
                cpuShares == null && cpuQuota == null && cpuPeriod == null && cpusetCpus == null && cpusetMems == null
                        ? null
                        : new Linux.Cpu(cpuShares, cpuQuota, cpuPeriod, cpusetCpus, cpusetMems);
        Linux.Pids pids = pidsLimit == null ? null : new Linux.Pids(pidsLimit);
        Linux.Resources resources = new Linux.Resources(
                mem,
                cpu,
                pids,
                privileged ? List.of(new DeviceRule(true, "a", null, null, "rwm")) : deviceRules(),
                blockIO);

        Linux linux = new Linux(
                namespaces,
                resources,
                cgroupsPath,
                privileged ? List.of() : MASKED_PATHS,
                privileged ? List.of() : READONLY_PATHS,
                devices,
                sysctl,
                null,
                null);
        return new Spec(
                Spec.VERSION, process, new Root(rootPath, readonlyRootfs), hostname, null, mounts, linux, annotations);
    }

    private List<Mount> defaultMounts() {
        String sysMode = privileged ? "rw" : "ro";
        return List.of(
                new Mount("/proc", "proc", "proc", List.of("rw", "nosuid", "noexec", "nodev")),
                new Mount("/dev", "tmpfs", "tmpfs", List.of("rw", "nosuid", "strictatime", "mode=755", "size=65536k")),
                new Mount(
                        "/dev/pts",
                        "devpts",
                        "devpts",
                        List.of("rw", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
                new Mount("/sys", "sysfs", "sysfs", List.of(sysMode, "nosuid", "noexec", "nodev")),
                new Mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of(sysMode, "nosuid", "noexec", "nodev")),
                new Mount("/dev/mqueue", "mqueue", "mqueue", List.of("rw", "nosuid", "noexec", "nodev")),
                new Mount(
                        "/dev/shm",
                        "tmpfs",
                        "shm",
                        List.of("rw", "nosuid", "noexec", "nodev", "mode=1777", "size=" + shmSize)));
    }

    /** Deny everything, then runc's default nodes (null, zero, full, random, urandom, tty, pts, ptmx, tun) and mknod. */
    /** Docker's default rules, then those of the --device nodes and --device-cgroup-rule. */
    private List<DeviceRule> deviceRules() {
        List<DeviceRule> rules = new ArrayList<>(defaultDeviceRules());
        rules.addAll(deviceRules);
        return rules;
    }

    private static List<DeviceRule> defaultDeviceRules() {
        return List.of(
                new DeviceRule(false, "a", null, null, "rwm"),
                new DeviceRule(true, "c", null, null, "m"),
                new DeviceRule(true, "b", null, null, "m"),
                new DeviceRule(true, "c", 1L, 3L, "rwm"),
                new DeviceRule(true, "c", 1L, 5L, "rwm"),
                new DeviceRule(true, "c", 1L, 7L, "rwm"),
                new DeviceRule(true, "c", 1L, 8L, "rwm"),
                new DeviceRule(true, "c", 1L, 9L, "rwm"),
                new DeviceRule(true, "c", 5L, 0L, "rwm"),
                new DeviceRule(true, "c", 5L, 1L, "rwm"),
                new DeviceRule(true, "c", 5L, 2L, "rwm"),
                new DeviceRule(true, "c", 136L, null, "rwm"),
                new DeviceRule(true, "c", 10L, 200L, "rwm"));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
