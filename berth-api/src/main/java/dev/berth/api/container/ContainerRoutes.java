package dev.berth.api.container;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.server.Filters;
import dev.berth.api.server.Json;
import dev.berth.api.server.MessageStream;
import dev.berth.api.server.StdCopy;
import dev.berth.core.error.BerthException;
import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerAttach;
import dev.berth.engine.container.ContainerCreator;
import dev.berth.engine.container.ContainerLogs;
import dev.berth.engine.container.ContainerNetworks;
import dev.berth.engine.container.ContainerServices;
import dev.berth.engine.container.ContainerSettings;
import dev.berth.engine.container.ContainerUpdate;
import dev.berth.engine.container.ContainerWaits;
import dev.berth.engine.container.ExecService;
import dev.berth.engine.container.ExecSettings;
import dev.berth.engine.container.HostSettings;
import dev.berth.engine.container.LogEntry;
import dev.berth.engine.volume.MountPoint;
import dev.berth.http.server.HijackedConnection;
import dev.berth.http.server.Request;
import dev.berth.http.server.Response;
import dev.berth.http.server.Router;
import dev.berth.http.server.Routes;
import dev.berth.network.EndpointConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The container and exec endpoints: each decodes the request, calls one container service and
 * encodes Docker's JSON (see {@link ContainerWire}); attach and exec take the connection over.
 */
public final class ContainerRoutes implements Routes {
    private static final String RAW = "application/vnd.docker.raw-stream";
    private static final String MULTIPLEXED = "application/vnd.docker.multiplexed-stream";

    private final ContainerServices containers;

    public ContainerRoutes(ContainerServices containers) {
        this.containers = containers;
    }

    @Override
    public void register(Router router) {
        router.post("/containers/create", this::create)
                .get("/containers/json", this::list)
                .get("/containers/{id}/json", this::inspect)
                .post("/containers/{id}/start", this::start)
                .post("/containers/{id}/stop", this::stop)
                .post("/containers/{id}/restart", this::restart)
                .post("/containers/{id}/kill", this::kill)
                .post("/containers/{id}/pause", this::pause)
                .post("/containers/{id}/unpause", this::unpause)
                .post("/containers/{id}/wait", this::await)
                .post("/containers/{id}/rename", this::rename)
                .post("/containers/{id}/update", this::update)
                .post("/containers/{id}/resize", this::resize)
                .delete("/containers/{id}", this::remove)
                .get("/containers/{id}/logs", this::logs)
                .post("/containers/{id}/attach", this::attach)
                .post("/containers/{id}/exec", this::execCreate)
                .post("/exec/{id}/start", this::execStart)
                .get("/exec/{id}/json", this::execInspect)
                .post("/exec/{id}/resize", this::execResize)
                .post("/containers/prune", this::prune)
                .get("/containers/{id}/top", this::top)
                .get("/containers/{id}/stats", this::stats)
                .get("/containers/{id}/export", this::export)
                .get("/containers/{id}/changes", this::changes)
                .get("/containers/{id}/archive", this::archiveGet)
                .head("/containers/{id}/archive", this::archiveHead)
                .put("/containers/{id}/archive", Router.STREAM, this::archivePut)
                .post("/commit", this::commit);
    }

    private Response create(Request r) {
        JsonNode body = Json.body(r, JsonNode.class);
        if (body == null) {
            throw BerthException.invalid("config cannot be empty in order to create a container");
        }
        ContainerSettings settings;
        HostSettings host;
        Map<String, EndpointConfig> endpoints = new LinkedHashMap<>();
        try {
            settings = Json.MAPPER.treeToValue(body, ContainerSettings.class);
            host = HostSettings.parse(body.get("HostConfig"));
            JsonNode config = body.path("NetworkingConfig").path("EndpointsConfig");
            for (var e : config.properties()) {
                endpoints.put(
                        e.getKey(),
                        e.getValue().isNull()
                                ? EndpointConfig.EMPTY
                                : Json.MAPPER.treeToValue(e.getValue(), EndpointConfig.class));
            }
        } catch (JsonProcessingException e) {
            throw BerthException.invalid("invalid JSON body: %s", e.getOriginalMessage());
        }
        ContainerCreator.Created created = containers.creator().create(r.query("name"), settings, host, endpoints);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Id", created.id());
        out.put("Warnings", created.warnings());
        return Json.response(201, out);
    }

    private Response list(Request r) {
        List<Container> list = containers
                .queries()
                .list(r.bool("all"), r.intValue("limit", -1), Filters.of(r).values());
        return Json.response(summaries(list, r.bool("size")));
    }

    /** The Containers of {@code GET /system/df}: every container, as {@code ps -a --size} lists it. */
    public List<?> diskUsage() {
        return summaries(containers.queries().list(true, -1, Map.of()), true);
    }

    /** Each container's summary, from one read of the images, networks and mounts they show. */
    private List<Map<String, Object>> summaries(List<Container> list, boolean size) {
        Instant now = Instant.now();
        List<String> images = containers.queries().imagesShown(list);
        List<ContainerNetworks.View> networks = containers.networks().views(list);
        Map<String, List<MountPoint>> mounts = containers.volumes().mountsByContainer();
        List<Map<String, Object>> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            Container c = list.get(i);
            out.add(withMounts(
                    ContainerWire.summary(
                            c,
                            images.get(i),
                            containers.queries().humanStatus(c, now),
                            size ? containers.queries().sizes(c) : null,
                            networks.get(i)),
                    c,
                    mounts.getOrDefault(c.id(), List.of())));
        }
        return out;
    }

    private Response inspect(Request r) {
        Container c = containers.queries().inspect(r.param("id"));
        return Json.response(withMounts(
                ContainerWire.inspect(
                        c,
                        containers.queries().files(c),
                        containers.queries().driver(),
                        containers.queries().graphData(c),
                        r.bool("size") ? containers.queries().sizes(c) : null,
                        containers.exec().idsOf(c.id()),
                        containers.queries().health(c).orElse(null),
                        containers.networks().view(c)),
                c));
    }

    /** Mounts with the container's volumes, --mount and --volumes-from mount points besides its Binds. */
    private Map<String, Object> withMounts(Map<String, Object> body, Container c) {
        return withMounts(body, c, containers.volumes().mountsOf(c.id()));
    }

    private Map<String, Object> withMounts(Map<String, Object> body, Container c, List<MountPoint> points) {
        body.put("Mounts", ContainerWire.mounts(c.hostConfig(), points, containers.volumes()::source));
        return body;
    }

    private Response start(Request r) {
        return containers.runner().start(r.param("id")) ? Response.noContent() : Response.status(304);
    }

    private Integer timeout(Request r) {
        String t = r.query("t");
        return t == null || t.isEmpty() ? null : r.intValue("t", 10);
    }

    private Response stop(Request r) {
        return containers.control().stop(r.param("id"), r.query("signal"), timeout(r))
                ? Response.noContent()
                : Response.status(304);
    }

    private Response restart(Request r) {
        containers.control().restart(r.param("id"), r.query("signal"), timeout(r));
        return Response.noContent();
    }

    private Response kill(Request r) {
        containers.control().kill(r.param("id"), r.query("signal"));
        return Response.noContent();
    }

    private Response pause(Request r) {
        containers.control().pause(r.param("id"));
        return Response.noContent();
    }

    private Response unpause(Request r) {
        containers.control().unpause(r.param("id"));
        return Response.noContent();
    }

    /** The wait is registered before the 200 goes out, so a start that follows cannot be missed. */
    private Response await(Request r) {
        CompletableFuture<ContainerWaits.Result> result =
                containers.waiter().register(r.param("id"), r.query("condition"));
        return MessageStream.response(out -> {
            out.flushHeaders();
            ContainerWaits.Result res = result.get();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("StatusCode", res.statusCode());
            body.put("Error", res.error() == null ? null : Map.of("Message", res.error()));
            out.send(body);
        });
    }

    private Response rename(Request r) {
        String name = r.query("name");
        if (name == null || name.isEmpty()) {
            throw BerthException.invalid("Neither old nor new names may be empty");
        }
        containers.control().rename(r.param("id"), name);
        return Response.noContent();
    }

    private Response update(Request r) {
        List<String> warnings =
                containers.updater().update(r.param("id"), ContainerUpdate.parse(Json.body(r, JsonNode.class)));
        return Json.response(Map.of("Warnings", warnings));
    }

    private Response resize(Request r) {
        containers.control().resize(r.param("id"), r.intValue("h", 0), r.intValue("w", 0));
        return Response.status(200);
    }

    private Response remove(Request r) {
        if (r.bool("link")) {
            containers.remover().removeLink(r.param("id"));
        } else {
            containers.remover().remove(r.param("id"), r.bool("force"), r.bool("v"));
        }
        return Response.noContent();
    }

    private Response prune(Request r) {
        var pruned = containers.remover().prune();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ContainersDeleted", pruned.ids().isEmpty() ? null : pruned.ids());
        out.put("SpaceReclaimed", pruned.spaceReclaimed());
        return Json.response(out);
    }

    private Response logs(Request r) {
        ContainerLogs.Options o = new ContainerLogs.Options(
                r.bool("stdout"),
                r.bool("stderr"),
                r.bool("follow"),
                time(r.query("since")),
                time(r.query("until")),
                tail(r.query("tail")));
        Container c = containers.logs().check(r.param("id"), o);
        boolean tty = c.config().tty();
        boolean timestamps = r.bool("timestamps");
        return Response.stream(tty ? RAW : MULTIPLEXED, out -> {
            // the headers go out at once, as moby's getContainersLogs flushes them: a follower of
            // a stream the container does not write to (docker-py's run() follows stdout alone)
            // would otherwise wait for them until the container ends
            out.flush();
            OutputStream stdout = tty ? out : StdCopy.writer(out, StdCopy.Stream.STDOUT);
            OutputStream stderr = tty ? out : StdCopy.writer(out, StdCopy.Stream.STDERR);
            containers
                    .logs()
                    .read(
                            c,
                            o,
                            e -> {
                                OutputStream target = e.isStderr() ? stderr : stdout;
                                target.write(timestamps ? withTime(e) : e.line());
                                target.flush();
                            },
                            out::isOpen);
        });
    }

    private static byte[] withTime(LogEntry e) {
        byte[] prefix = (ContainerWire.logTime(e.time()) + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[prefix.length + e.line().length];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        System.arraycopy(e.line(), 0, all, prefix.length, e.line().length);
        return all;
    }

    private static int tail(String value) {
        if (value == null || value.isEmpty() || value.equals("all")) {
            return -1;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw BerthException.invalid("invalid value for tail: %s", value);
        }
    }

    /** Docker's since/until: Unix seconds with an optional fraction (the CLI converts durations and dates). */
    static Instant time(String value) {
        if (value == null || value.isEmpty() || value.equals("0")) {
            return null;
        }
        try {
            int dot = value.indexOf('.');
            long seconds = Long.parseLong(dot < 0 ? value : value.substring(0, dot));
            long nanos = 0;
            if (dot >= 0) {
                String frac = (value.substring(dot + 1) + "000000000").substring(0, 9);
                nanos = Long.parseLong(frac);
            }
            return Instant.ofEpochSecond(seconds, nanos);
        } catch (NumberFormatException e) {
            try {
                return Instant.parse(value);
            } catch (RuntimeException e2) {
                throw BerthException.invalid("invalid value for time: %s", value);
            }
        }
    }

    private Response attach(Request r) {
        ContainerAttach.Options o = new ContainerAttach.Options(
                r.bool("stdin"),
                r.bool("stdout"),
                r.bool("stderr"),
                r.bool("stream"),
                r.bool("logs"),
                r.query("detachKeys"));
        Container c = containers.attach().check(r.param("id"), o);
        boolean tty = c.config().tty();
        // subscribed here, before the 101 goes out (see Response.hijack): the output of a
        // container that the client starts right after the upgrade is buffered, not lost
        ContainerAttach.Session session = containers.attach().open(c, o);
        return Response.hijack(tty ? RAW : MULTIPLEXED, conn -> {
            try (session) {
                session.stream(client(conn, tty));
            }
        });
    }

    private static final class HijackClient implements ContainerAttach.Client, ExecService.Client {
        private final HijackedConnection conn;
        private final OutputStream stdout;
        private final OutputStream stderr;

        HijackClient(HijackedConnection conn, boolean tty) {
            this.conn = conn;
            this.stdout = tty ? conn.output() : StdCopy.writer(conn.output(), StdCopy.Stream.STDOUT);
            this.stderr = tty ? conn.output() : StdCopy.writer(conn.output(), StdCopy.Stream.STDERR);
        }

        @Override
        public InputStream input() {
            return conn.input();
        }

        @Override
        public void write(String stream, byte[] bytes) throws IOException {
            OutputStream target = "stderr".equals(stream) ? stderr : stdout;
            target.write(bytes);
            target.flush();
        }

        @Override
        public boolean isOpen() {
            return conn.isOpen();
        }
    }

    private static HijackClient client(HijackedConnection conn, boolean tty) {
        return new HijackClient(conn, tty);
    }

    private Response top(Request r) {
        var top = containers.monitor().top(r.param("id"), r.query("ps_args"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Titles", top.titles());
        out.put("Processes", top.processes());
        return Json.response(out);
    }

    private Response stats(Request r) {
        boolean stream = r.bool("stream", true);
        boolean oneShot = r.bool("one-shot");
        var first = containers.monitor().sample(r.param("id"));
        return MessageStream.response(out -> {
            out.flushHeaders();
            var previous = first;
            if (!stream && !oneShot) {
                Thread.sleep(1000);
                var next = containers.monitor().sample(first.container().id());
                out.send(StatsWire.stats(next, first));
                return;
            }
            if (!stream) {
                out.send(StatsWire.stats(first, null));
                return;
            }
            out.send(StatsWire.stats(first, null));
            while (out.isOpen()) {
                Thread.sleep(1000);
                var next = containers.monitor().sample(first.container().id());
                out.send(StatsWire.stats(next, previous));
                previous = next;
                if (next.stats() == null) {
                    return;
                }
            }
        });
    }

    private Response export(Request r) {
        Container c = containers.queries().inspect(r.param("id"));
        return Response.stream("application/x-tar", out -> containers.files().export(c.id(), out));
    }

    private Response changes(Request r) {
        var list = containers.files().changes(r.param("id"));
        return Json.response(
                list.isEmpty()
                        ? null
                        : list.stream()
                                .map(ch -> {
                                    Map<String, Object> m = new LinkedHashMap<>();
                                    m.put("Path", ch.path());
                                    m.put("Kind", ch.kind());
                                    return m;
                                })
                                .toList());
    }

    private static String statHeader(dev.berth.engine.container.ContainerFiles.PathStat st) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", st.name());
        m.put("size", st.size());
        m.put("mode", st.mode());
        m.put("mtime", st.mtime());
        m.put("linkTarget", st.linkTarget());
        return java.util.Base64.getEncoder().encodeToString(Json.encodeLine(m));
    }

    private Response archiveHead(Request r) {
        var st = containers.files().stat(r.param("id"), requirePath(r));
        return Response.status(200).withHeader("X-Docker-Container-Path-Stat", statHeader(st));
    }

    private Response archiveGet(Request r) {
        String id = r.param("id");
        String path = requirePath(r);
        var st = containers.files().checkArchive(id, path);
        return Response.stream("application/x-tar", out -> containers.files().archive(id, path, out))
                .withHeader("X-Docker-Container-Path-Stat", statHeader(st));
    }

    private Response archivePut(Request r) {
        containers.files().extract(r.param("id"), requirePath(r), r.bool("noOverwriteDirNonDir"), r.body());
        return Response.status(200);
    }

    private static String requirePath(Request r) {
        String path = r.query("path");
        if (path == null || path.isEmpty()) {
            throw BerthException.invalid("path is required");
        }
        return path;
    }

    private Response commit(Request r) {
        ContainerSettings config = null;
        JsonNode body = Json.body(r, JsonNode.class);
        if (body != null && body.isObject() && body.size() > 0) {
            try {
                config = Json.MAPPER.treeToValue(body, ContainerSettings.class);
            } catch (JsonProcessingException e) {
                throw BerthException.invalid("invalid JSON body: %s", e.getOriginalMessage());
            }
        }
        String container = r.query("container");
        if (container == null || container.isEmpty()) {
            throw BerthException.invalid("container is required");
        }
        var id = containers
                .committer()
                .commit(new dev.berth.engine.container.ContainerCommitter.Request(
                        container,
                        r.query("repo"),
                        r.query("tag"),
                        r.query("author"),
                        r.query("comment"),
                        r.queryAll("changes"),
                        r.bool("pause", true),
                        config));
        return Json.response(201, Map.of("Id", id.toString()));
    }

    private Response execCreate(Request r) {
        ExecSettings s = Json.body(r, ExecSettings.class);
        if (s == null) {
            throw BerthException.invalid("No exec command specified");
        }
        String id = containers.exec().create(r.param("id"), s);
        return Json.response(201, Map.of("Id", id));
    }

    private Response execStart(Request r) throws IOException {
        JsonNode body = Json.body(r, JsonNode.class);
        boolean detach = body != null && body.path("Detach").asBoolean(false);
        ExecService.Exec e = containers.exec().checkStart(r.param("id"));
        if (detach) {
            containers.exec().start(e, null);
            return Response.status(200);
        }
        // The process has a terminal when the exec was created with one; the stream is raw or
        // multiplexed as the start request's Tty says (moby's postContainerExecStart): docker-py
        // starts with Tty false by default and reads the terminal's output in stdout frames.
        boolean raw = body != null && body.has("Tty")
                ? body.path("Tty").asBoolean(false)
                : e.settings().tty();
        // Unlike attach, nothing can be missed here: the exec'd process only starts inside the
        // hijack handler, after its output is being read.
        return Response.hijack(
                raw ? RAW : MULTIPLEXED, conn -> containers.exec().start(e, client(conn, raw)));
    }

    private Response execInspect(Request r) {
        return Json.response(ContainerWire.exec(containers.exec().inspect(r.param("id"))));
    }

    private Response execResize(Request r) {
        containers.exec().resize(r.param("id"), r.intValue("h", 0), r.intValue("w", 0));
        return Response.status(200);
    }
}
