package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code POST /containers/{id}/update} ({@code docker update}): memory, CPU, pids and the restart
 * policy, stored in the container's host config (a stopped container starts with them) and, for a
 * running one, written to its live cgroup, as moby's update does.
 */
public final class ContainerUpdater {
    private final ContainerStore store;
    private final LiveContainers live;
    private final ContainerEvents events;

    ContainerUpdater(ContainerStore store, LiveContainers live, ContainerEvents events) {
        this.store = store;
        this.live = live;
        this.events = events;
    }

    /** Applies {@code update}; returns Docker's warnings (none). */
    public List<String> update(String ref, ContainerUpdate update) {
        Container c = store.resolve(ref);
        ReentrantLock lock = store.lock(c.id());
        lock.lock();
        try {
            c = store.resolve(c.id());
            HostSettings before = c.hostConfig();
            if (update.restartPolicy() != null
                    && before.autoRemove()
                    && !update.restartPolicy().name().equals("no")) {
                throw BerthException.invalid(
                        "Restart policy cannot be updated because AutoRemove is enabled for the container");
            }
            if (update.memory() != 0
                    && update.memorySwap() == 0
                    && before.memorySwap() > 0
                    && update.memory() > before.memorySwap()) {
                throw BerthException.invalid(
                        "Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time");
            }
            HostSettings after = before.withUpdate(update);
            ContainerCreator.checkLimits(after);
            Run run = live.run(c.id()).orElse(null);
            if (run != null && run.process().cgroup() != null) {
                try {
                    run.process().cgroup().update(SpecFactory.liveLimits(after));
                } catch (BerthException e) {
                    throw BerthException.invalid("Cannot update container %s: %s", c.id(), e.getMessage());
                }
            }
            Container updated = store.updateHostConfig(c.id(), after);
            events.publish(updated, "update");
            return List.of();
        } finally {
            lock.unlock();
        }
    }
}
