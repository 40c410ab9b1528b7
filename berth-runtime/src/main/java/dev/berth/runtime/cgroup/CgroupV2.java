package dev.berth.runtime.cgroup;

import dev.berth.core.error.BerthException;
import dev.berth.runtime.spec.Linux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** cgroup v2: one unified tree; controllers must be enabled in every ancestor's subtree_control. */
final class CgroupV2 implements CgroupDriver {
    private static final Logger LOG = LoggerFactory.getLogger(CgroupV2.class);
    private static final List<String> WANTED = List.of("cpuset", "cpu", "io", "memory", "pids");

    private final Path root;

    CgroupV2(Path root) {
        this.root = root;
    }

    @Override
    public int version() {
        return 2;
    }

    @Override
    public Cgroup create(String path, Linux.Resources resources) {
        Path dir = dir(path);
        List<Path> chain = new ArrayList<>();
        for (Path p = dir; !p.equals(root); p = p.getParent()) {
            chain.addFirst(p);
        }
        V2Cgroup cgroup = new V2Cgroup(path);
        try {
            Path parent = root;
            for (Path p : chain) {
                enableControllers(parent);
                if (!Files.isDirectory(p)) {
                    Files.createDirectory(p);
                }
                parent = p;
            }
            cgroup.apply(resources == null ? Linux.Resources.none() : resources);
            return cgroup;
        } catch (IOException e) {
            cgroup.remove();
            throw BerthException.unavailable("cannot create cgroup %s: %s", dir, e.getMessage());
        } catch (RuntimeException e) {
            cgroup.remove();
            throw e;
        }
    }

    private static void enableControllers(Path parent) {
        List<String> available =
                List.of(Cgroups.read(parent.resolve("cgroup.controllers")).split("\\s+"));
        List<String> enabled =
                List.of(Cgroups.read(parent.resolve("cgroup.subtree_control")).split("\\s+"));
        for (String c : WANTED) {
            if (available.contains(c) && !enabled.contains(c)) {
                Cgroups.write(parent.resolve("cgroup.subtree_control"), "+" + c);
            }
        }
    }

    @Override
    public Cgroup open(String path) {
        return new V2Cgroup(path);
    }

    @Override
    public List<CgroupMount> containerMounts() {
        return List.of(new CgroupMount("", "cgroup2", ""));
    }

    private Path dir(String path) {
        return root.resolve(path.replaceFirst("^/+", ""));
    }

    /** Docker's conversion of v1 shares (2..262144) to v2 weight (1..10000). */
    static long sharesToWeight(long shares) {
        return 1 + ((shares - 2) * 9999) / 262142;
    }

    private final class V2Cgroup implements Cgroup {
        private final String path;
        private final Path dir;

        V2Cgroup(String path) {
            this.path = path;
            this.dir = dir(path);
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public void update(Linux.Resources resources) {
            apply(resources);
        }

        /** One io.max key per write; the device's other keys keep their values. */
        private void ioMax(List<Linux.ThrottleDevice> limits, String key) {
            for (Linux.ThrottleDevice d : limits) {
                Cgroups.write(dir.resolve("io.max"), d.major() + ":" + d.minor() + " " + key + "=" + d.rate());
            }
        }

        void apply(Linux.Resources r) {
            if (r.memory() != null) {
                Long limit = r.memory().limit();
                if (limit != null) {
                    Cgroups.write(dir.resolve("memory.max"), Long.toString(limit));
                }
                Long swap = r.memory().swap();
                if (swap != null && Files.exists(dir.resolve("memory.swap.max"))) {
                    // the spec's swap is memory+swap (v1 semantics); v2 limits swap alone
                    String value = swap < 0 ? "max" : Long.toString(Math.max(0, swap - (limit == null ? 0 : limit)));
                    Cgroups.write(dir.resolve("memory.swap.max"), value);
                }
                if (r.memory().reservation() != null) {
                    Cgroups.write(
                            dir.resolve("memory.low"), Long.toString(r.memory().reservation()));
                }
            }
            Linux.Cpu cpu = r.cpu();
            if (cpu != null) {
                if (cpu.shares() != null) {
                    Cgroups.write(dir.resolve("cpu.weight"), Long.toString(sharesToWeight(cpu.shares())));
                }
                if (cpu.quota() != null || cpu.period() != null) {
                    long period = cpu.period() == null ? 100_000 : cpu.period();
                    String quota = cpu.quota() == null || cpu.quota() <= 0 ? "max" : Long.toString(cpu.quota());
                    Cgroups.write(dir.resolve("cpu.max"), quota + " " + period);
                }
                if (cpu.cpus() != null) {
                    Cgroups.write(dir.resolve("cpuset.cpus"), cpu.cpus());
                }
                if (cpu.mems() != null) {
                    Cgroups.write(dir.resolve("cpuset.mems"), cpu.mems());
                }
            }
            if (r.pids() != null) {
                Cgroups.write(
                        dir.resolve("pids.max"),
                        r.pids().limit() > 0 ? Long.toString(r.pids().limit()) : "max");
            }
            Linux.BlockIO io = r.blockIO();
            if (io != null) {
                if (!Files.exists(dir.resolve("io.max"))) {
                    throw BerthException.unavailable("no io controller: block I/O limits cannot be applied");
                }
                ioMax(io.throttleReadBpsDevice(), "rbps");
                ioMax(io.throttleWriteBpsDevice(), "wbps");
                ioMax(io.throttleReadIOPSDevice(), "riops");
                ioMax(io.throttleWriteIOPSDevice(), "wiops");
            }
            if (!r.devices().isEmpty()) {
                // v2 device rules need an eBPF program; runc attaches one, Berth does not yet
                LOG.debug("cgroup v2: device rules for {} not enforced", path);
            }
        }

        @Override
        public List<Path> joinFiles() {
            return List.of(dir.resolve("cgroup.procs"));
        }

        @Override
        public void freeze() {
            setFrozen(1);
        }

        @Override
        public void thaw() {
            setFrozen(0);
        }

        private void setFrozen(int value) {
            Cgroups.write(dir.resolve("cgroup.freeze"), Integer.toString(value));
            for (int i = 0; i < 200; i++) {
                if (Cgroups.readKeyed(dir.resolve("cgroup.events")).getOrDefault("frozen", -1L) == value) {
                    return;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            throw BerthException.unavailable("cgroup %s did not reach frozen=%d", path, value);
        }

        @Override
        public CgroupStats stats() {
            Map<String, Long> cpuStat = Cgroups.readKeyed(dir.resolve("cpu.stat"));
            return new CgroupStats(
                    Cgroups.readLong(dir.resolve("memory.current"), 0),
                    Cgroups.readLong(dir.resolve("memory.peak"), 0),
                    Cgroups.readLong(dir.resolve("memory.max"), -1),
                    cpuStat.getOrDefault("usage_usec", 0L) * 1000,
                    Cgroups.readLong(dir.resolve("pids.current"), 0),
                    Cgroups.readLong(dir.resolve("pids.max"), -1),
                    Cgroups.readKeyed(dir.resolve("memory.stat")));
        }

        @Override
        public java.util.List<Long> processes() {
            return Cgroups.readPids(dir.resolve("cgroup.procs"));
        }

        @Override
        public boolean oomKilled() {
            return Cgroups.readKeyed(dir.resolve("memory.events")).getOrDefault("oom_kill", 0L) > 0;
        }

        @Override
        public void remove() {
            Cgroups.removeDir(dir);
        }

        @Override
        public boolean exists() {
            return Files.isDirectory(dir);
        }
    }
}
