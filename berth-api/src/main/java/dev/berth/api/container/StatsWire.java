package dev.berth.api.container;

import dev.berth.engine.container.ContainerMonitor;
import dev.berth.runtime.cgroup.CgroupStats;
import java.util.LinkedHashMap;
import java.util.Map;

/** Docker's StatsResponse from two samples (the earlier one fills precpu_stats). */
final class StatsWire {
    private StatsWire() {}

    static Map<String, Object> stats(ContainerMonitor.Sample now, ContainerMonitor.Sample before) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", now.container().name());
        m.put("id", now.container().id());
        m.put("read", ContainerWire.time(now.read()));
        m.put("preread", before == null ? ContainerWire.ZERO_TIME : ContainerWire.time(before.read()));
        CgroupStats s = now.stats();
        m.put(
                "pids_stats",
                s == null
                        ? Map.of()
                        : Map.of("current", s.pidsCurrent(), "limit", s.pidsLimit() < 0 ? 0 : s.pidsLimit()));
        Map<String, Object> blkio = new LinkedHashMap<>();
        for (String k : new String[] {
            "io_service_bytes_recursive",
            "io_serviced_recursive",
            "io_queue_recursive",
            "io_service_time_recursive",
            "io_wait_time_recursive",
            "io_merged_recursive",
            "io_time_recursive",
            "sectors_recursive"
        }) {
            blkio.put(k, null);
        }
        m.put("blkio_stats", blkio);
        m.put("num_procs", 0);
        m.put("storage_stats", Map.of());
        m.put("cpu_stats", cpu(now));
        m.put("precpu_stats", before == null ? emptyCpu() : cpu(before));
        Map<String, Object> mem = new LinkedHashMap<>();
        if (s != null) {
            mem.put("usage", s.memoryUsage());
            if (s.memoryMaxUsage() > 0) {
                mem.put("max_usage", s.memoryMaxUsage());
            }
            mem.put("stats", s.memoryStat());
            mem.put(
                    "limit",
                    s.memoryLimit() <= 0 || s.memoryLimit() > now.hostMemory() ? now.hostMemory() : s.memoryLimit());
        }
        m.put("memory_stats", mem);
        if (!now.networks().isEmpty()) {
            Map<String, Object> networks = new LinkedHashMap<>();
            now.networks().forEach((name, n) -> {
                Map<String, Object> counters = new LinkedHashMap<>();
                counters.put("rx_bytes", n.rxBytes());
                counters.put("rx_packets", n.rxPackets());
                counters.put("rx_errors", n.rxErrors());
                counters.put("rx_dropped", n.rxDropped());
                counters.put("tx_bytes", n.txBytes());
                counters.put("tx_packets", n.txPackets());
                counters.put("tx_errors", n.txErrors());
                counters.put("tx_dropped", n.txDropped());
                networks.put(name, counters);
            });
            m.put("networks", networks);
        }
        return m;
    }

    private static Map<String, Object> cpu(ContainerMonitor.Sample sample) {
        if (sample.stats() == null) {
            return emptyCpu();
        }
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("total_usage", sample.stats().cpuUsageNanos());
        usage.put("usage_in_kernelmode", 0);
        usage.put("usage_in_usermode", 0);
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("cpu_usage", usage);
        cpu.put("system_cpu_usage", sample.systemCpuNanos());
        cpu.put("online_cpus", sample.onlineCpus());
        cpu.put("throttling_data", Map.of("periods", 0, "throttled_periods", 0, "throttled_time", 0));
        return cpu;
    }

    private static Map<String, Object> emptyCpu() {
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("cpu_usage", Map.of("total_usage", 0, "usage_in_kernelmode", 0, "usage_in_usermode", 0));
        cpu.put("throttling_data", Map.of("periods", 0, "throttled_periods", 0, "throttled_time", 0));
        return cpu;
    }
}
