package dev.berth.engine.container;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the daemon holds in memory for containers besides their rows: the current run of each
 * running container, each container's attach hub and log. Shared by the lifecycle services.
 */
final class LiveContainers {
    private final ContainerPaths paths;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final Map<String, AttachHub> hubs = new ConcurrentHashMap<>();
    private final Map<String, ContainerLog> logs = new ConcurrentHashMap<>();

    LiveContainers(ContainerPaths paths) {
        this.paths = paths;
    }

    Optional<Run> run(String id) {
        return Optional.ofNullable(runs.get(id));
    }

    void putRun(String id, Run run) {
        runs.put(id, run);
    }

    void removeRun(String id, Run run) {
        runs.remove(id, run);
    }

    AttachHub hub(String id) {
        return hubs.computeIfAbsent(id, k -> new AttachHub());
    }

    ContainerLog log(Container c) {
        return logs.computeIfAbsent(c.id(), k -> ContainerLog.of(c, paths));
    }

    /** The log of a container whose log was opened (a run began or someone read it), if any. */
    Optional<ContainerLog> openLog(String id) {
        return Optional.ofNullable(logs.get(id));
    }

    void forget(String id) {
        runs.remove(id);
        AttachHub hub = hubs.remove(id);
        if (hub != null) {
            hub.runEnded();
        }
        logs.remove(id);
    }
}
