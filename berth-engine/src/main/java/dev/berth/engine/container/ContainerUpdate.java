package dev.berth.engine.container;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.core.error.BerthException;
import java.util.Set;

/**
 * {@code POST /containers/{id}/update}'s body (Docker's UpdateConfig): what Berth changes on a
 * running or stopped container. Zero means "unchanged", as in moby's update.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerUpdate(
        @JsonProperty("Memory") long memory,
        @JsonProperty("MemorySwap") long memorySwap,
        @JsonProperty("CpuShares") long cpuShares,
        @JsonProperty("NanoCpus") long nanoCpus,
        @JsonProperty("CpuQuota") long cpuQuota,
        @JsonProperty("CpuPeriod") long cpuPeriod,
        @JsonProperty("CpusetCpus") String cpusetCpus,
        @JsonProperty("CpusetMems") String cpusetMems,
        @JsonProperty("PidsLimit") Long pidsLimit,
        @JsonProperty("RestartPolicy") HostSettings.RestartPolicy restartPolicy) {

    /** UpdateConfig's fields (the API's Resources and RestartPolicy). */
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
            "KernelMemory",
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
            "RestartPolicy");

    public ContainerUpdate {
        cpusetCpus = cpusetCpus == null ? "" : cpusetCpus;
        cpusetMems = cpusetMems == null ? "" : cpusetMems;
    }

    /** The body as Berth applies it; a field it does not apply, given a value, is a 400 naming it. */
    public static ContainerUpdate parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw BerthException.invalid("update config cannot be empty");
        }
        UnappliedFields.refuse(body, KNOWN, UnappliedFields.of(ContainerUpdate.class), "UpdateConfig");
        try {
            return ContainerDao.JSON.treeToValue(body, ContainerUpdate.class);
        } catch (JsonProcessingException e) {
            throw BerthException.invalid("invalid JSON body: %s", e.getOriginalMessage());
        }
    }
}
