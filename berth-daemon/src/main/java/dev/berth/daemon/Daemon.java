package dev.berth.daemon;

import dev.berth.api.build.BuildRoutes;
import dev.berth.api.container.ContainerRoutes;
import dev.berth.api.distribution.DistributionRoutes;
import dev.berth.api.image.ImageRoutes;
import dev.berth.api.network.NetworkRoutes;
import dev.berth.api.server.ApiServer;
import dev.berth.api.system.SwarmRoutes;
import dev.berth.api.system.SystemRoutes;
import dev.berth.api.volume.VolumeRoutes;
import dev.berth.build.builder.BuildService;
import dev.berth.core.content.LocalBlobStore;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.snapshot.Snapshots;
import dev.berth.core.snapshot.Snapshotter;
import dev.berth.engine.container.ContainerRuntimes;
import dev.berth.engine.container.ContainerServices;
import dev.berth.engine.container.ContainerStore;
import dev.berth.engine.container.LogDrivers;
import dev.berth.engine.distribution.DistributionServices;
import dev.berth.engine.distribution.PulledManifests;
import dev.berth.engine.event.Event;
import dev.berth.engine.event.EventBus;
import dev.berth.engine.image.ImageServices;
import dev.berth.engine.image.StartupCheck;
import dev.berth.engine.image.UnpackingLayerApplier;
import dev.berth.engine.system.HostFacts;
import dev.berth.engine.system.SystemFacts;
import dev.berth.engine.volume.ContainerVolumes;
import dev.berth.engine.volume.VolumeService;
import dev.berth.http.server.Router;
import dev.berth.network.NetworkEvents;
import dev.berth.network.Networking;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every store and service once, wires them through constructors,
 * checks the data root for leftovers of a crash, then serves the Docker Engine API. Nothing else
 * in Berth constructs services; tests that drive the routes without a socket compose the same
 * daemon on a {@link Machine} of their own.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private Router router;

    private Daemon() {}

    /** The daemon on this machine, serving the API on the configured hosts. */
    public static Daemon start(DaemonConfig config) {
        return create(config, Machine.HOST, true);
    }

    /** The daemon's stores, services and routes on {@code machine}, without listeners: see {@link #router}. */
    static Daemon compose(DaemonConfig config, Machine machine) {
        return create(config, machine, false);
    }

    private static Daemon create(DaemonConfig config, Machine machine, boolean serve) {
        Daemon daemon = new Daemon();
        try {
            daemon.open(config, machine, serve);
            return daemon;
        } catch (RuntimeException e) {
            daemon.close();
            throw e;
        }
    }

    /** Every route of the API, as the listeners dispatch to them. */
    Router router() {
        return router;
    }

    private void open(DaemonConfig config, Machine machine, boolean serve) {
        // What the listeners need is read first, so that a wrong host or TLS file stops the start
        // before anything is created.
        List<URI> hosts = serve ? config.hosts() : List.of();
        SslContext tls = serve ? config.tls(System.getenv()) : null;
        LogDrivers logDrivers = new LogDrivers(config.logConfig());
        Path dataRoot = config.dataRoot().toAbsolutePath().normalize();
        privateDirectory(dataRoot);
        resources.add(DataRootLock.acquire(dataRoot));
        privateDirectory(config.execRoot());

        // A build a crash interrupted may have left mounts on snapshots: they go before anything checks those.
        BuildService.cleanUpAfterCrash(dataRoot);
        MetadataStore db = MetadataStore.open(dataRoot.resolve("metadata.db"));
        resources.add(db);
        LocalBlobStore blobs = new LocalBlobStore(dataRoot.resolve("content"));
        Snapshots.Choice storage = machine.storage().apply(dataRoot);
        Snapshotter snapshots = storage.snapshotter();
        EventBus events = new EventBus();
        ContainerStore containerStore = ContainerServices.openStore(db);

        ImageServices.Parts parts = new ImageServices.Parts(
                db,
                blobs,
                snapshots,
                new UnpackingLayerApplier(),
                events,
                ContainerServices.imageUsers(containerStore),
                snapshots::directory,
                Clock.systemUTC());
        ImageServices images = ImageServices.create(parts);

        int recorded = PulledManifests.recordImageManifests(db, blobs);
        if (recorded > 0) {
            LOG.info("start-up: recorded the image manifest of {} repo digests pulled by an older Berth", recorded);
        }
        StartupCheck.Report report = ImageServices.startupCheck(
                        parts,
                        digest -> dataRoot.resolve("content/blobs")
                                .resolve(digest.algorithm())
                                .resolve(digest.hex()),
                        ContainerServices.gcRoots(containerStore))
                .run();
        report.removed().forEach(item -> LOG.info("start-up check removed {}", item));
        report.missing().forEach(item -> LOG.error("start-up check: {}", item));

        VolumeService volumes = new VolumeService(db, dataRoot, events, Clock.systemUTC());
        VolumeService.Report volumeReport = volumes.startupCheck();
        volumeReport.removed().forEach(item -> LOG.info("start-up check removed {}", item));
        volumeReport.repaired().forEach(item -> LOG.error("start-up check: {}", item));

        // networks before containers: the bridges and rules are back before reattached containers use them
        Networking networking = Networking.create(db, config.network(), networkEvents(events), Clock.systemUTC());
        resources.add(networking);
        networking.start();

        ContainerRuntimes runtimes = machine.runtimes().apply(config.execRoot(), config.defaultRuntime());
        ContainerServices containers = ContainerServices.create(
                containerStore,
                new ContainerServices.Parts(
                        db,
                        images,
                        snapshots,
                        events,
                        runtimes.byName(),
                        runtimes.defaultRuntime(),
                        dataRoot,
                        config.execRoot().toAbsolutePath(),
                        parts.snapshotDir(),
                        new ContainerVolumes(volumes),
                        logDrivers,
                        networking.containers(),
                        Clock.systemUTC()));
        containers.recovery().withCrashCleanUp(runtimes::cleanUpAfterCrash).cleanUp();
        resources.add(containers::shutdown);

        DistributionServices distribution =
                DistributionServices.create(config.registries(), images, db, blobs, Clock.systemUTC());
        resources.add(distribution.client());
        BuildService builds = new BuildService(
                images, containers, distribution.pulls(), snapshots, db, blobs, dataRoot, Clock.systemUTC());
        builds.removeLeftoverContainers();
        DistributionRoutes distributionRoutes =
                new DistributionRoutes(distribution.pulls(), distribution.pushes(), distribution.logins());
        String daemonId = EngineId.loadOrCreate(dataRoot);
        Supplier<SystemFacts> facts = () -> SystemFacts.of(
                        daemonId,
                        dataRoot,
                        images.queries().list(Map.of(), false, false).size(),
                        containerStore.counts(),
                        snapshots.driver())
                .withDriverStatus(List.of(List.of("Backing Filesystem", storage.reason())))
                .withCgroup("cgroupfs", Integer.toString(runtimes.cgroups().version()))
                .withRuntimes(runtimes.paths(), runtimes.defaultRuntime())
                .withLogging(logDrivers.daemonDefault().type(), LogDrivers.NAMES);

        VolumeRoutes volumeRoutes = new VolumeRoutes(volumes);
        ContainerRoutes containerRoutes = new ContainerRoutes(containers);
        BuildRoutes buildRoutes = new BuildRoutes(builds, Clock.systemUTC());
        router = new Router()
                .install(new SystemRoutes(facts, events, HostFacts.read()))
                .install(new SwarmRoutes())
                .install(new ImageRoutes(
                        images,
                        distributionRoutes.pullHandler(),
                        volumeRoutes::diskUsage,
                        containerRoutes::diskUsage,
                        buildRoutes::diskUsage))
                .install(distributionRoutes)
                .install(containerRoutes)
                .install(volumeRoutes)
                .install(buildRoutes)
                .install(new NetworkRoutes(networking.networks(), containers.networks()));

        // before the API serves: a container a client creates to run with --rm is not alive either
        containers.recovery().finishAutoRemoves();
        if (serve) {
            ApiServer server = new ApiServer(hosts, router, ApiServer.DEFAULT_GRACE, tls);
            resources.add(server);
            server.start();
            resources.add(IdleCollector.start());
        }
        containers.recovery().restartPolicies();
        LOG.info("berth daemon serving {} (data root {}, storage driver {})", hosts, dataRoot, snapshots.driver());
    }

    /** Network events as Docker's: the network's ID, its name and type, and the container of a connect. */
    private static NetworkEvents networkEvents(EventBus events) {
        return (action, network, attributes) -> {
            Map<String, String> all = new java.util.LinkedHashMap<>(attributes);
            all.put("name", network.name());
            all.put("type", network.driver());
            events.publish(Event.now("network", action, network.id(), all));
        };
    }

    /**
     * The data root and exec root hold every container's environment, logs and files, and a
     * setuid file a container wrote must not be runnable by a host user (CVE-2021-41091, which
     * made Docker's data root 0710): both are root's alone, from creation, and a root an older
     * Berth left open is closed at start-up.
     */
    private static void privateDirectory(Path dir) {
        Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rwx------");
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(owner));
            if (!Files.getPosixFilePermissions(dir).equals(owner)) {
                LOG.info(
                        "{} was {}: now rwx------",
                        dir,
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
                Files.setPosixFilePermissions(dir, owner);
            }
        } catch (java.io.IOException e) {
            throw dev.berth.core.error.BerthException.internal("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Stops serving, then closes the stores in reverse order of opening. */
    @Override
    public synchronized void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing {}: {}", resources.get(i), e.toString());
            }
        }
        resources.clear();
    }
}
