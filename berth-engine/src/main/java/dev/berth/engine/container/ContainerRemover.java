package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import dev.berth.core.io.Trees;
import dev.berth.core.snapshot.Snapshotter;
import dev.berth.engine.volume.ContainerVolumes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code DELETE /containers/{id}} and AutoRemove: a running container needs force (then it is
 * killed first); the row goes first, then the writable layer and the container's directories.
 */
public final class ContainerRemover {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerRemover.class);

    private final ContainerStore store;
    private final LiveContainers live;
    private final ContainerWaits waits;
    private final ContainerEvents events;
    private final Snapshotter snapshots;
    private final ContainerPaths paths;
    private final ContainerVolumes volumes;
    private final HealthChecks health;
    private final ContainerNetworks networks;

    ContainerRemover(
            ContainerStore store,
            LiveContainers live,
            ContainerWaits waits,
            ContainerEvents events,
            Snapshotter snapshots,
            ContainerPaths paths,
            ContainerVolumes volumes,
            HealthChecks health,
            ContainerNetworks networks) {
        this.store = store;
        this.live = live;
        this.waits = waits;
        this.events = events;
        this.snapshots = snapshots;
        this.paths = paths;
        this.volumes = volumes;
        this.health = health;
        this.networks = networks;
    }

    /**
     * {@code DELETE /containers/{id}?link=true} ({@code docker rm --link /parent/alias}): the parent
     * loses its legacy link; neither container is removed.
     */
    public void removeLink(String linkName) {
        String name = linkName.startsWith("/") ? linkName : "/" + linkName;
        int slash = name.lastIndexOf('/');
        if (slash <= 0) {
            throw BerthException.conflict("Conflict, cannot remove the default link name of the container");
        }
        Container parent = store.resolve(name.substring(0, slash));
        String alias = name.substring(slash + 1);
        ReentrantLock lock = store.lock(parent.id());
        lock.lock();
        try {
            parent = store.resolve(parent.id());
            java.util.List<String> kept = parent.hostConfig().links().stream()
                    .filter(l -> !ContainerNetworks.Link.parse(l).alias().equals(alias))
                    .toList();
            if (kept.size() == parent.hostConfig().links().size()) {
                throw BerthException.notFound("Could not get container for %s", alias);
            }
            store.updateHostConfig(parent.id(), parent.hostConfig().withLinks(kept));
        } finally {
            lock.unlock();
        }
    }

    public void remove(String ref, boolean force, boolean volumes) {
        Container c = store.resolve(ref);
        Run run = live.run(c.id()).orElse(null);
        if (run != null || c.status().isAlive()) {
            if (!force) {
                String what = c.status() == ContainerStatus.PAUSED
                        ? "container is paused and must be unpaused first"
                        : c.status() == ContainerStatus.RESTARTING
                                ? "container is restarting: stop the container before removing or force remove"
                                : "container is running: stop the container before removing or force remove";
                throw BerthException.conflict("cannot remove container \"%s\": %s", c.name(), what);
            }
            store.update(c.id(), store.resolve(c.id()).state().withStoppedByUser(true));
            if (run != null) {
                CompletableFuture<ContainerWaits.Result> exit = waits.endOf(c.id(), run, live);
                if (c.status() == ContainerStatus.PAUSED && run.process().cgroup() != null) {
                    run.process().kill(Signals.SIGKILL);
                    run.process().cgroup().thaw();
                } else {
                    run.process().kill(Signals.SIGKILL);
                }
                try {
                    exit.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw BerthException.unavailable("could not kill container %s", c.id());
                }
            }
        }
        removeStopped(c.id(), volumes);
    }

    /** What a prune removed: the containers, and the bytes their writable layers held. */
    public record Pruned(java.util.List<String> ids, long spaceReclaimed) {}

    /** {@code POST /containers/prune}: every stopped container. */
    public Pruned prune() {
        java.util.List<String> removed = new java.util.ArrayList<>();
        long reclaimed = 0;
        for (Container c : store.all()) {
            if ((c.status() == ContainerStatus.EXITED
                            || c.status() == ContainerStatus.CREATED
                            || c.status() == ContainerStatus.DEAD)
                    && live.run(c.id()).isEmpty()) {
                long size = layerSize(c);
                removeStopped(c.id(), false);
                removed.add(c.id());
                reclaimed += size;
            }
        }
        return new Pruned(removed, reclaimed);
    }

    /** The bytes of the container's writable layer (moby's SpaceReclaimed counts these), 0 when unknown. */
    private long layerSize(Container c) {
        try {
            return snapshots.usage(c.snapshotKey());
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * Removes a container that does not run (AutoRemove after exit). Fine when it is gone already.
     * With {@code removeVolumes} ({@code rm -v}, AutoRemove) its anonymous volumes go too.
     */
    void removeStopped(String id, boolean removeVolumes) {
        ReentrantLock lock = store.lock(id);
        lock.lock();
        Container c;
        try {
            c = store.byId(id).orElse(null);
            if (c == null) {
                return;
            }
            if (live.run(id).isPresent()) {
                throw BerthException.conflict("cannot remove container \"%s\": container is running", c.name());
            }
            store.delete(id);
        } finally {
            lock.unlock();
        }
        try {
            snapshots.remove(c.snapshotKey());
        } catch (RuntimeException e) {
            LOG.warn("container {}: removing its layer {}: {}", id, c.snapshotKey(), e.getMessage());
        }
        try {
            volumes.detach(id, removeVolumes);
        } catch (RuntimeException e) {
            LOG.warn("container {}: releasing its volumes: {}", id, e.getMessage());
        }
        try {
            networks.networking().remove(id);
        } catch (RuntimeException e) {
            LOG.warn("container {}: removing its network endpoints: {}", id, e.getMessage());
        }
        live.forget(id);
        health.forget(id);
        Trees.delete(paths.dir(id));
        Trees.delete(paths.runDir(id));
        events.publish(c, "destroy");
        waits.removed(id, new ContainerWaits.Result(c.state().exitCode(), null));
    }
}
