package dev.berth.engine.container;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.snapshot.Snapshotter;
import dev.berth.engine.event.EventBus;
import dev.berth.engine.image.GcRoots;
import dev.berth.engine.image.ImageServices;
import dev.berth.engine.image.ImageUsers;
import dev.berth.engine.volume.ContainerVolumes;
import dev.berth.network.ContainerNetworking;
import dev.berth.runtime.ContainerRuntime;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The container services wired together, for the composition root and the API's container
 * routes: each route calls one method of one of these.
 */
public record ContainerServices(
        ContainerStore store,
        ContainerCreator creator,
        ContainerRunner runner,
        ContainerControl control,
        ContainerUpdater updater,
        ContainerRemover remover,
        ContainerQueries queries,
        ContainerWaiter waiter,
        ContainerLogs logs,
        ContainerAttach attach,
        ExecService exec,
        ContainerRecovery recovery,
        ContainerFiles files,
        ContainerCommitter committer,
        ContainerMonitor monitor,
        ContainerVolumes volumes,
        ContainerNetworks networks) {

    /**
     * What the services are built from.
     *
     * @param runtimes    by name ("berth", "runc", "crun"): the runtimes this daemon can use
     * @param defaultRuntime the runtime of containers created without one ({@code --default-runtime})
     * @param snapshotDir a snapshot's directory of files (the upper dir of an active one)
     * @param volumes     the mount points of containers (volumes, --mount, --volumes-from)
     * @param logDrivers  the log drivers and the daemon's default ({@code --log-driver}, {@code --log-opt})
     * @param networking  the network side of containers (endpoints, leases, plumbing)
     */
    public record Parts(
            MetadataStore db,
            ImageServices images,
            Snapshotter snapshots,
            EventBus events,
            Map<String, ContainerRuntime> runtimes,
            String defaultRuntime,
            Path dataRoot,
            Path execRoot,
            Function<String, Path> snapshotDir,
            ContainerVolumes volumes,
            LogDrivers logDrivers,
            ContainerNetworking networking,
            Clock clock) {}

    /**
     * The container store, made before the image services (which ask it, through
     * {@link #imageUsers}, who uses an image).
     */
    public static ContainerStore openStore(MetadataStore db) {
        return new ContainerStore(db);
    }

    public static ContainerServices create(ContainerStore store, Parts p) {
        ContainerPaths paths = new ContainerPaths(p.dataRoot(), p.execRoot());
        LiveContainers live = new LiveContainers(paths);
        ContainerWaits waits = new ContainerWaits();
        ContainerEvents events = new ContainerEvents(p.events());
        Function<Container, LayeredFiles> files = c -> layeredFiles(c, p);
        Function<String, ContainerRuntime> runtimes = name -> {
            ContainerRuntime r = p.runtimes().get(name);
            if (r == null) {
                throw BerthException.invalid("unknown or invalid runtime name: %s", name);
            }
            return r;
        };
        SpecFactory specs = new SpecFactory(paths, p.volumes());
        ContainerNetworks networks = new ContainerNetworks(store, paths, p.networking());
        ExecService exec = new ExecService(store, live, events, paths, runtimes, files, networks, p.clock());
        HealthChecks health = new HealthChecks(exec, store, events, p.clock());
        ContainerRunner runner = new ContainerRunner(
                store,
                live,
                waits,
                events,
                p.snapshots(),
                runtimes,
                specs,
                paths,
                files,
                p.volumes(),
                health,
                networks,
                p.clock());
        ContainerRemover remover =
                new ContainerRemover(store, live, waits, events, p.snapshots(), paths, p.volumes(), health, networks);
        AutoRemoval autoRemoval = new AutoRemoval(waits, remover, exec);
        runner.onAutoRemove(autoRemoval);
        ContainerControl control = new ContainerControl(store, live, waits, events, runner, networks);
        return new ContainerServices(
                store,
                new ContainerCreator(
                        store,
                        p.images(),
                        p.snapshots(),
                        events,
                        p.runtimes().keySet(),
                        p.defaultRuntime(),
                        p.volumes(),
                        p.logDrivers(),
                        networks,
                        p.clock()),
                runner,
                control,
                new ContainerUpdater(store, live, events),
                remover,
                new ContainerQueries(store, p.images(), p.snapshots(), paths, health),
                new ContainerWaiter(store, waits),
                new ContainerLogs(store, live),
                new ContainerAttach(store, live, events),
                exec,
                new ContainerRecovery(store, runner, paths, p.runtimes(), networks, autoRemoval, p.clock()),
                new ContainerFiles(store, p.snapshots(), paths, files, p.volumes()),
                new ContainerCommitter(
                        store,
                        p.images().store(),
                        p.images().layers(),
                        p.images().leases(),
                        p.images().events(),
                        p.images().tags(),
                        live,
                        p.clock()),
                new ContainerMonitor(store, live),
                p.volumes(),
                networks);
    }

    /** Stops the running containers (daemon shutdown): stop signal, SIGKILL after 10 s. */
    public void shutdown() {
        runner.shutdown(10);
    }

    /** The container's files top first: its writable layer, then the image's layers. */
    private static LayeredFiles layeredFiles(Container c, Parts p) {
        List<Digest> chain = p.db().read(tx -> tx.images().layers(c.imageId()));
        return LayeredFiles.of(p.snapshotDir().apply(c.snapshotKey()), chain, p.snapshotDir());
    }

    /** The hook through which image removal learns which containers use an image. */
    public static ImageUsers imageUsers(ContainerStore store) {
        return imageId -> store.all().stream()
                .filter(c -> c.imageId().equals(imageId))
                .map(c -> new ImageUsers.User(c.id(), c.status().isAlive()))
                .toList();
    }

    /** What containers keep alive at the start-up check: their writable layers. */
    public static GcRoots gcRoots(ContainerStore store) {
        return new GcRoots() {
            @Override
            public Set<String> snapshots() {
                return store.all().stream().map(Container::snapshotKey).collect(Collectors.toSet());
            }
        };
    }
}
