package dev.berth.runtime.cgroup;

import dev.berth.core.error.BerthException;
import dev.berth.runtime.cgroup.Cgroups.Hierarchy;
import dev.berth.runtime.spec.Linux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** cgroup v1: one directory per hierarchy, limits in the controller's own files. */
final class CgroupV1 implements CgroupDriver {
    private final List<Hierarchy> hierarchies;
    private final Path unified;

    CgroupV1(List<Hierarchy> hierarchies, Path unified) {
        this.hierarchies = List.copyOf(hierarchies);
        this.unified = unified;
    }

    @Override
    public java.util.Optional<Path> hybridUnifiedMount() {
        return java.util.Optional.ofNullable(unified);
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public Cgroup create(String path, Linux.Resources resources) {
        V1Cgroup cgroup = new V1Cgroup(path);
        try {
            for (Hierarchy h : hierarchies) {
                mkdirs(h, path);
            }
            cgroup.apply(resources == null ? Linux.Resources.none() : resources);
            return cgroup;
        } catch (RuntimeException e) {
            cgroup.remove();
            throw e;
        }
    }

    @Override
    public Cgroup open(String path) {
        return new V1Cgroup(path);
    }

    @Override
    public List<CgroupMount> containerMounts() {
        List<CgroupMount> mounts = new ArrayList<>();
        mounts.add(new CgroupMount("", "tmpfs", "mode=755"));
        for (Hierarchy h : hierarchies) {
            mounts.add(new CgroupMount(h.mountPoint().getFileName().toString(), "cgroup", h.options()));
        }
        return mounts;
    }

    /** Creates each missing level; a new cpuset cgroup starts empty, so it inherits its parent's cpus and mems. */
    private static void mkdirs(Hierarchy h, String path) {
        Path dir = h.dir(path);
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing.addFirst(p);
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                continue;
            } catch (IOException e) {
                throw BerthException.unavailable("cannot create cgroup %s: %s", p, e.getMessage());
            }
            if (h.has("cpuset")) {
                for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
                    Cgroups.write(p.resolve(file), Cgroups.read(p.getParent().resolve(file)));
                }
            }
        }
    }

    private final class V1Cgroup implements Cgroup {
        private final String path;

        V1Cgroup(String path) {
            this.path = path;
        }

        @Override
        public String path() {
            return path;
        }

        private Path dir(String controller) {
            for (Hierarchy h : hierarchies) {
                if (h.has(controller)) {
                    return h.dir(path);
                }
            }
            return null;
        }

        @Override
        public void update(Linux.Resources resources) {
            apply(resources);
        }

        private static void throttle(Path blkio, String file, List<Linux.ThrottleDevice> limits) {
            for (Linux.ThrottleDevice d : limits) {
                Cgroups.write(blkio.resolve(file), d.major() + ":" + d.minor() + " " + d.rate());
            }
        }

        void apply(Linux.Resources r) {
            Path mem = dir("memory");
            if (r.memory() != null && mem != null) {
                // memsw exists only with swap accounting, and is never below the plain limit: the
                // kernel refuses either write that would break that, so a raise of a live cgroup
                // (docker update) writes memsw first, and a new or lowered limit writes it last
                Path memsw = mem.resolve("memory.memsw.limit_in_bytes");
                Long swap = Files.exists(memsw) ? r.memory().swap() : null;
                boolean swapFirst = swap != null && (swap == -1 || swap > Long.parseLong(Cgroups.read(memsw)));
                if (swapFirst) {
                    Cgroups.write(memsw, Long.toString(swap));
                }
                if (r.memory().limit() != null) {
                    Cgroups.write(
                            mem.resolve("memory.limit_in_bytes"),
                            Long.toString(r.memory().limit()));
                }
                if (swap != null && !swapFirst) {
                    Cgroups.write(memsw, Long.toString(swap));
                }
                if (r.memory().swappiness() != null) {
                    Cgroups.write(
                            mem.resolve("memory.swappiness"),
                            Long.toString(r.memory().swappiness()));
                }
                if (r.memory().reservation() != null) {
                    Cgroups.write(
                            mem.resolve("memory.soft_limit_in_bytes"),
                            Long.toString(r.memory().reservation()));
                }
                if (Boolean.TRUE.equals(r.memory().disableOOMKiller())) {
                    Cgroups.write(mem.resolve("memory.oom_control"), "1");
                }
            }
            Linux.Cpu cpu = r.cpu();
            if (cpu != null) {
                Path c = dir("cpu");
                if (c != null && cpu.shares() != null) {
                    Cgroups.write(c.resolve("cpu.shares"), Long.toString(cpu.shares()));
                }
                if (c != null && cpu.period() != null) {
                    Cgroups.write(c.resolve("cpu.cfs_period_us"), Long.toString(cpu.period()));
                }
                if (c != null && cpu.quota() != null) {
                    Cgroups.write(c.resolve("cpu.cfs_quota_us"), Long.toString(cpu.quota()));
                }
                Path cs = dir("cpuset");
                if (cs != null && cpu.cpus() != null) {
                    Cgroups.write(cs.resolve("cpuset.cpus"), cpu.cpus());
                }
                if (cs != null && cpu.mems() != null) {
                    Cgroups.write(cs.resolve("cpuset.mems"), cpu.mems());
                }
            }
            Path pids = dir("pids");
            if (r.pids() != null && pids != null) {
                Cgroups.write(
                        pids.resolve("pids.max"),
                        r.pids().limit() > 0 ? Long.toString(r.pids().limit()) : "max");
            }
            Linux.BlockIO io = r.blockIO();
            if (io != null) {
                Path blkio = dir("blkio");
                if (blkio == null) {
                    throw BerthException.unavailable("no blkio cgroup: block I/O limits cannot be applied");
                }
                throttle(blkio, "blkio.throttle.read_bps_device", io.throttleReadBpsDevice());
                throttle(blkio, "blkio.throttle.write_bps_device", io.throttleWriteBpsDevice());
                throttle(blkio, "blkio.throttle.read_iops_device", io.throttleReadIOPSDevice());
                throttle(blkio, "blkio.throttle.write_iops_device", io.throttleWriteIOPSDevice());
            }
            Path devices = dir("devices");
            if (devices != null) {
                for (Linux.DeviceRule rule : r.devices()) {
                    String line = rule.type().equals("a")
                            ? "a"
                            : "%s %s:%s %s"
                                    .formatted(
                                            rule.type(),
                                            rule.major() == null ? "*" : rule.major(),
                                            rule.minor() == null ? "*" : rule.minor(),
                                            rule.access());
                    Cgroups.write(devices.resolve(rule.allow() ? "devices.allow" : "devices.deny"), line);
                }
            }
        }

        @Override
        public List<Path> joinFiles() {
            return hierarchies.stream().map(h -> h.dir(path).resolve("tasks")).toList();
        }

        @Override
        public void freeze() {
            setFreezer("FROZEN");
        }

        @Override
        public void thaw() {
            setFreezer("THAWED");
        }

        private void setFreezer(String state) {
            Path f = dir("freezer");
            if (f == null) {
                throw BerthException.notImplemented("no freezer cgroup hierarchy on this machine");
            }
            Path file = f.resolve("freezer.state");
            for (int i = 0; i < 200; i++) {
                Cgroups.write(file, state);
                if (Cgroups.read(file).equals(state)) {
                    return;
                }
                Thread.onSpinWait();
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            throw BerthException.unavailable("cgroup %s did not reach freezer state %s", path, state);
        }

        @Override
        public CgroupStats stats() {
            Path mem = dir("memory");
            Path cpuacct = dir("cpuacct");
            Path pids = dir("pids");
            Map<String, Long> memStat = mem == null ? Map.of() : Cgroups.readKeyed(mem.resolve("memory.stat"));
            long limit = mem == null ? -1 : Cgroups.readLong(mem.resolve("memory.limit_in_bytes"), -1);
            if (limit >= Long.MAX_VALUE - (1L << 20)) {
                limit = -1; // v1 writes "unlimited" as a page-aligned LONG_MAX
            }
            return new CgroupStats(
                    mem == null ? 0 : Cgroups.readLong(mem.resolve("memory.usage_in_bytes"), 0),
                    mem == null ? 0 : Cgroups.readLong(mem.resolve("memory.max_usage_in_bytes"), 0),
                    limit,
                    cpuacct == null ? 0 : Cgroups.readLong(cpuacct.resolve("cpuacct.usage"), 0),
                    pids == null ? 0 : Cgroups.readLong(pids.resolve("pids.current"), 0),
                    pids == null ? -1 : Cgroups.readLong(pids.resolve("pids.max"), -1),
                    memStat);
        }

        @Override
        public java.util.List<Long> processes() {
            java.util.Set<Long> pids = new java.util.TreeSet<>();
            for (Hierarchy h : hierarchies) {
                pids.addAll(Cgroups.readPids(h.dir(path).resolve("cgroup.procs")));
            }
            return java.util.List.copyOf(pids);
        }

        @Override
        public boolean oomKilled() {
            Path mem = dir("memory");
            return mem != null
                    && Cgroups.readKeyed(mem.resolve("memory.oom_control")).getOrDefault("oom_kill", 0L) > 0;
        }

        @Override
        public void remove() {
            for (Hierarchy h : hierarchies) {
                Cgroups.removeDir(h.dir(path));
            }
            // runc (and systemd) also make the cgroup in a hybrid layout's cgroup2 tree
            if (unified != null) {
                Cgroups.removeDir(unified.resolve(path.replaceFirst("^/+", "")));
            }
        }

        @Override
        public boolean exists() {
            return hierarchies.stream().anyMatch(h -> Files.isDirectory(h.dir(path)));
        }
    }
}
