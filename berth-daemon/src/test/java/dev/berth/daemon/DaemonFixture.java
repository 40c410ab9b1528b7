package dev.berth.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.server.Json;
import dev.berth.core.error.BerthException;
import dev.berth.core.snapshot.Snapshots;
import dev.berth.core.snapshot.VfsSnapshotter;
import dev.berth.engine.container.ContainerRuntimes;
import dev.berth.http.server.Request;
import dev.berth.http.server.Response;
import dev.berth.http.server.Router;
import dev.berth.runtime.ContainerProcess;
import dev.berth.runtime.ContainerRequest;
import dev.berth.runtime.ContainerRuntime;
import dev.berth.runtime.cgroup.Cgroups;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The daemon as {@link Daemon} composes it, on a private data root, without listeners: route tests
 * dispatch through its router with {@link #call}, so a route's BerthException reaches the test as
 * thrown. The machine is a stand-in, so that route tests need neither root nor a kernel feature:
 * vfs snapshots, and the runtime a test passes as the only one (without one, containers can be
 * created, not started).
 */
public final class DaemonFixture implements AutoCloseable {
    private final Path dataRoot;
    private final Daemon daemon;

    /** Without a container runtime: containers can be created, not started. */
    public DaemonFixture(Path dir) {
        this(dir, new NoRuntime());
    }

    /** With {@code runtime} as the only and default runtime. */
    public DaemonFixture(Path dir, ContainerRuntime runtime) {
        dataRoot = dir.resolve("data").toAbsolutePath();
        Path execRoot = dir.resolve("exec").toAbsolutePath();
        Machine machine = new Machine(
                root -> new Snapshots.Choice(new VfsSnapshotter(root), "a test's stand-in"),
                (exec, defaultRuntime) -> new ContainerRuntimes(
                        Map.of(runtime.name(), runtime),
                        Map.of(runtime.name(), "in-process"),
                        runtime.name(),
                        Cgroups.detect(),
                        Machine.CGROUP_PARENT));
        daemon = Daemon.compose(
                DaemonConfig.parse(
                        "--config-file",
                        writeConfig(dir, Map.of("data-root", dataRoot.toString(), "exec-root", execRoot.toString()))
                                .toString(),
                        "--default-runtime",
                        runtime.name(),
                        // route tests change nothing of the host's network: no bridge, no rules
                        "--bridge",
                        "none",
                        "--iptables=false",
                        "--ip-forward=false"),
                machine);
    }

    /** The settings in a daemon.json of the fixture's own, as an administrator writes them. */
    private static Path writeConfig(Path dir, Map<String, String> settings) {
        try {
            Files.createDirectories(dir);
            return Files.write(dir.resolve("daemon.json"), Json.MAPPER.writeValueAsBytes(settings));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dataRoot() {
        return dataRoot;
    }

    /** The daemon's routes, for a test that serves them on a socket. */
    Router router() {
        return daemon.router();
    }

    /** The route for {@code method path} run on a request with {@code query} and {@code body}, at API {@code version}. */
    public Response call(String method, String path, Map<String, List<String>> query, byte[] body, String version)
            throws Exception {
        Router.Match match = daemon.router()
                .match(method, path)
                .orElseThrow(() -> new AssertionError("no route " + method + " " + path));
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

    /** Without query or body, at API 1.50. */
    public Response call(String method, String path) throws Exception {
        return call(method, path, Map.of(), new byte[0], "1.50");
    }

    /** A JSON response's body. */
    public static JsonNode json(Response r) throws IOException {
        return Json.MAPPER.readTree(((Response.Body.Bytes) r.body()).bytes());
    }

    /** The bytes a streamed response writes. */
    public static byte[] streamed(Response r) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ((Response.Body.Stream) r.body()).writer().writeTo(new Response.ResponseStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                bytes.write(b, off, len);
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void onClose(Runnable action) {}
        });
        return bytes.toByteArray();
    }

    /** The messages of a streamed JSON response (a pull's or a load's progress), one per line. */
    public static List<JsonNode> messages(Response r) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line :
                new String(streamed(r), StandardCharsets.UTF_8).lines().toList()) {
            out.add(Json.MAPPER.readTree(line));
        }
        return out;
    }

    @Override
    public void close() {
        daemon.close();
    }

    /** "berth" for the daemon's default: containers are created, and refused at start. */
    private static final class NoRuntime implements ContainerRuntime {
        @Override
        public String name() {
            return "berth";
        }

        @Override
        public ContainerProcess create(ContainerRequest request) {
            throw BerthException.unavailable("no container runtime in this test daemon");
        }
    }
}
