package dev.berth.runtime.cgroup;

import java.util.Map;

/**
 * Resource usage as the cgroup files report it. memoryLimit is -1 when unlimited; cpuUsageNanos
 * is the total CPU time of the cgroup's processes.
 */
public record CgroupStats(
        long memoryUsage,
        long memoryMaxUsage,
        long memoryLimit,
        long cpuUsageNanos,
        long pidsCurrent,
        long pidsLimit,
        Map<String, Long> memoryStat) {
    public CgroupStats {
        memoryStat = Map.copyOf(memoryStat);
    }
}
