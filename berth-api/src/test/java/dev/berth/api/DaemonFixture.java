package dev.berth.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.container.ContainerRoutes;
import dev.berth.api.image.ImageRoutes;
import dev.berth.api.server.Json;
import dev.berth.api.volume.VolumeRoutes;
import dev.berth.core.content.LocalBlobStore;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.snapshot.VfsSnapshotter;
import dev.berth.core.snapshot.WhiteoutMode;
import dev.berth.engine.container.ContainerServices;
import dev.berth.engine.container.ContainerStore;
import dev.berth.engine.event.EventBus;
import dev.berth.engine.image.ImageServices;
import dev.berth.engine.volume.ContainerVolumes;
import dev.berth.engine.volume.VolumeService;
import dev.berth.http.server.Request;
import dev.berth.http.server.Response;
import dev.berth.http.server.Router;
import dev.berth.runtime.ContainerRuntime;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The daemon's stores, services and routes on a private data root, composed through the same
 * constructors and factories as {@code dev.berth.daemon.Daemon} (which lives in berth-daemon, above
 * this module): one metadata store, blob store, snapshotter and event bus shared by the image, volume
 * and container services, and one router with their routes. Where it differs, so that route tests
 * need neither root nor network: vfs snapshots, a layer applier that extracts regular files only,
 * the runtime a test passes as the only one, no registries (a pull answers 501, as the route does
 * without a pull handler), and no start-up check or recovery. {@link #call} dispatches without a
 * socket, so a route's BerthException reaches the test as thrown.
 */
public final class DaemonFixture implements AutoCloseable {
    private final Path dataRoot;
    private final MetadataStore db;
    private final ImageServices images;
    private final VolumeService volumes;
    private final Router router;

    /** Without a container runtime: containers can be created, not started. */
    public DaemonFixture(Path dir) {
        this(dir, Map.of(), "berth");
    }

    /** With {@code runtime} as the only and default runtime. */
    public DaemonFixture(Path dir, ContainerRuntime runtime) {
        this(dir, Map.of(runtime.name(), runtime), runtime.name());
    }

    private DaemonFixture(Path dir, Map<String, ContainerRuntime> runtimes, String defaultRuntime) {
        dataRoot = dir.resolve("data").toAbsolutePath();
        Path execRoot = dir.resolve("exec").toAbsolutePath();
        try {
            Files.createDirectories(dataRoot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        db = MetadataStore.open(dataRoot.resolve("metadata.db"));
        VfsSnapshotter snapshots = new VfsSnapshotter(dataRoot);
        EventBus events = new EventBus();
        ContainerStore containerStore = ContainerServices.openStore(db);
        ImageServices.Parts parts = new ImageServices.Parts(
                db,
                new LocalBlobStore(dataRoot.resolve("content")),
                snapshots,
                DaemonFixture::extractFiles,
                events,
                ContainerServices.imageUsers(containerStore),
                snapshots::directory,
                Clock.systemUTC());
        images = ImageServices.create(parts);
        volumes = new VolumeService(db, dataRoot, events, Clock.systemUTC());
        ContainerServices containers = ContainerServices.create(
                containerStore,
                new ContainerServices.Parts(
                        db,
                        images,
                        snapshots,
                        events,
                        runtimes,
                        defaultRuntime,
                        dataRoot,
                        execRoot,
                        parts.snapshotDir(),
                        new ContainerVolumes(volumes),
                        Clock.systemUTC()));
        VolumeRoutes volumeRoutes = new VolumeRoutes(volumes);
        router = new Router()
                .install(new ImageRoutes(images, null, volumeRoutes::diskUsage))
                .install(new ContainerRoutes(containers))
                .install(volumeRoutes);
    }

    /** Regular files only: all the layers of these tests hold. */
    private static long extractFiles(InputStream in, Path root, WhiteoutMode mode) {
        long size = 0;
        try {
            TarArchiveInputStream tar = new TarArchiveInputStream(in);
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.isFile()) {
                    Path target = root.resolve(e.getName());
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target);
                    size += e.getSize();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return size;
    }

    public Path dataRoot() {
        return dataRoot;
    }

    public ImageServices images() {
        return images;
    }

    public VolumeService volumes() {
        return volumes;
    }

    /** The route for {@code method path} run on a request with {@code query} and {@code body}, at API {@code version}. */
    public Response call(String method, String path, Map<String, List<String>> query, byte[] body, String version)
            throws Exception {
        Router.Match match =
                router.match(method, path).orElseThrow(() -> new AssertionError("no route " + method + " " + path));
        Request request = new Request(
                method,
                "/v" + version + path,
                path,
                version,
                match.params(),
                query,
                Request.Headers.of(Map.of()),
                new ByteArrayInputStream(body),
                false);
        return match.handler().handle(request);
    }

    /** The routes, for a test that serves them on a socket. */
    public Router router() {
        return router;
    }

    /** Without query or body, at API 1.50. */
    public Response call(String method, String path) throws Exception {
        return call(method, path, Map.of(), new byte[0], "1.50");
    }

    /** A JSON response's body. */
    public static JsonNode json(Response r) throws IOException {
        return Json.MAPPER.readTree(((Response.Body.Bytes) r.body()).bytes());
    }

    @Override
    public void close() {
        db.close();
    }
}
