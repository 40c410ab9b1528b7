package dev.berth.api.build;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.berth.api.server.ApiVersion;
import dev.berth.api.server.ErrorMapping;
import dev.berth.api.server.Filters;
import dev.berth.api.server.Json;
import dev.berth.api.server.JsonMessage;
import dev.berth.api.server.MessageStream;
import dev.berth.build.builder.BuildCacheUsage;
import dev.berth.build.builder.BuildOutput;
import dev.berth.build.builder.BuildRequest;
import dev.berth.build.builder.BuildService;
import dev.berth.build.builder.StepFailed;
import dev.berth.core.auth.RegistryCredentials;
import dev.berth.core.error.BerthException;
import dev.berth.http.server.Request;
import dev.berth.http.server.Response;
import dev.berth.http.server.Router;
import dev.berth.http.server.Routes;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /build}, {@code POST /build/prune} and {@code POST /build/cancel}: the classic
 * builder's endpoint, which the docker CLI (without buildx), docker-py and Testcontainers use.
 * The query parameters and the progress stream are dockerd's: bad input is an error response
 * before any output, a failing step an {@code errorDetail} at the end of the stream (with the
 * command's exit code), and a client that goes away cancels the build.
 */
public final class BuildRoutes implements Routes {
    /**
     * Berth's way to hand a build its secrets (the classic endpoint has none; BuildKit's session
     * does it): base64url of a JSON object mapping each id to its base64 value. The berth CLI's
     * {@code --secret} sends it; the values never appear in a URL or a log.
     */
    public static final String SECRETS_HEADER = "X-Berth-Build-Secrets";

    private final BuildService builds;
    private final Clock clock;

    public BuildRoutes(BuildService builds, Clock clock) {
        this.builds = builds;
        this.clock = clock;
    }

    @Override
    public void register(Router router) {
        router.post("/build", Router.STREAM, this::build)
                .post("/build/prune", this::prune)
                .post("/build/cancel", this::cancel);
    }

    private Response build(Request r) {
        BuildRequest request = request(r);
        BuildService.Prepared prepared = builds.prepare(request, r.body(), r.query("remote"));
        boolean quiet = bool(r, "q");
        boolean aux = !ApiVersion.of(r).lessThan("1.30");
        return MessageStream.response(out -> {
            out.onClose(prepared::cancel);
            Messages messages = new Messages(out, quiet, aux);
            try {
                BuildService.Result result = builds.run(prepared, messages);
                if (quiet) {
                    out.send(JsonMessage.stream(result.imageId() + "\n"));
                }
            } catch (StepFailed e) {
                messages.release();
                out.send(JsonMessage.error(e.getMessage(), e.code()));
            } catch (RuntimeException e) {
                messages.release();
                out.send(JsonMessage.error(ErrorMapping.message(e)));
            }
        });
    }

    /** The build's progress as Docker's JSON messages; with {@code q} held back unless the build fails. */
    private static final class Messages implements BuildOutput {
        private final MessageStream out;
        private final boolean quiet;
        private final boolean aux;
        private final List<JsonMessage> held = new ArrayList<>();

        Messages(MessageStream out, boolean quiet, boolean aux) {
            this.out = out;
            this.quiet = quiet;
            this.aux = aux;
        }

        @Override
        public void stream(String text) {
            send(JsonMessage.stream(text));
        }

        /** dockerd's stderr formatter: the text in bright red. */
        @Override
        public void stderr(String text) {
            send(JsonMessage.stream("\033[91m" + text + "\033[0m"));
        }

        @Override
        public void imageId(String id) {
            if (aux) {
                send(JsonMessage.aux(Map.of("ID", id)));
            }
        }

        @Override
        public void progress(String id, String status, long current, long total) {
            send(JsonMessage.progress(id, status, current, total));
        }

        @Override
        public void status(String id, String status) {
            send(JsonMessage.status(id, status));
        }

        private synchronized void send(JsonMessage message) {
            if (quiet) {
                held.add(message);
                return;
            }
            out.sendOrStop(message);
        }

        /** A failed quiet build shows what it held back, as dockerd's does. */
        synchronized void release() throws IOException {
            for (JsonMessage m : held) {
                out.send(m);
            }
            held.clear();
        }
    }

    /** The query parameters, read as moby's newImageBuildOptions reads them. */
    private static BuildRequest request(Request r) {
        if (bool(r, "squash")) {
            throw BerthException.invalid("squash is only supported with experimental mode");
        }
        String version = r.query("version");
        if (version != null && !version.isEmpty() && !version.equals("1")) {
            if (version.equals("2")) {
                throw BerthException.invalid(
                        "BuildKit is not available in this daemon: build with the classic builder (DOCKER_BUILDKIT=0)");
            }
            throw BerthException.invalid("invalid version %s", version);
        }
        boolean rm = r.query("rm") == null || r.query("rm").isEmpty() || bool(r, "rm") || bool(r, "forcerm");
        String shm = r.query("shmsize");
        long shmSize = 0;
        if (shm != null && !shm.isEmpty()) {
            try {
                shmSize = Long.parseLong(shm);
            } catch (NumberFormatException e) {
                throw BerthException.invalid("strconv.ParseInt: parsing \"%s\": invalid syntax", shm);
            }
        }
        BuildRequest.Resources resources = new BuildRequest.Resources(
                longOrZero(r, "memory"),
                longOrZero(r, "memswap"),
                longOrZero(r, "cpushares"),
                r.query("cpusetcpus"),
                longOrZero(r, "cpuperiod"),
                longOrZero(r, "cpuquota"),
                shmSize);
        return new BuildRequest(
                r.query("dockerfile"),
                r.queryAll("t"),
                json(r, "buildargs", "error reading build args", new TypeReference<Map<String, String>>() {}),
                json(r, "labels", "error reading labels", new TypeReference<Map<String, String>>() {}),
                r.query("target"),
                bool(r, "nocache"),
                bool(r, "pull"),
                rm,
                r.query("networkmode"),
                r.queryAll("extrahosts"),
                resources,
                json(r, "cachefrom", null, new TypeReference<List<String>>() {}),
                r.query("platform"),
                secrets(r.header(SECRETS_HEADER)),
                registryConfig(r.header("X-Registry-Config")),
                r.query("buildid"));
    }

    /** moby's httputils.BoolValue: anything but "", 0, no, false and none is true. */
    private static boolean bool(Request r, String name) {
        String v = r.query(name);
        if (v == null) {
            return false;
        }
        String s = v.strip().toLowerCase(java.util.Locale.ROOT);
        return !(s.isEmpty() || s.equals("0") || s.equals("no") || s.equals("false") || s.equals("none"));
    }

    /** moby's Int64ValueOrZero: a number, or 0 for anything else. */
    private static long longOrZero(Request r, String name) {
        try {
            return Long.parseLong(r.query(name, "0").strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static <T> T json(Request r, String name, String what, TypeReference<T> type) {
        String value = r.query(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(value, type);
        } catch (IOException e) {
            String m = e.getMessage().lines().findFirst().orElse("");
            throw BerthException.invalid("%s%s", what == null ? "" : what + ": ", m);
        }
    }

    private static Map<String, byte[]> secrets(String header) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (header == null || header.isBlank()) {
            return out;
        }
        try {
            byte[] json = Base64.getUrlDecoder().decode(header.strip());
            Map<String, String> encoded = Json.MAPPER.readValue(json, new TypeReference<Map<String, String>>() {});
            encoded.forEach((id, value) -> out.put(id, Base64.getDecoder().decode(value)));
            return out;
        } catch (IOException | IllegalArgumentException e) {
            throw BerthException.invalid("invalid %s header: %s", SECRETS_HEADER, e.getMessage());
        }
    }

    /** X-Registry-Config: base64url JSON of registry → AuthConfig; undecodable is ignored, as moby does. */
    private static Map<String, RegistryCredentials> registryConfig(String header) {
        Map<String, RegistryCredentials> out = new LinkedHashMap<>();
        if (header == null || header.isBlank()) {
            return out;
        }
        try {
            String text = header.strip().replace('+', '-').replace('/', '_').replaceAll("=+$", "");
            byte[] json = Base64.getUrlDecoder().decode(text);
            Map<String, Object> raw = Json.MAPPER.readValue(json, new TypeReference<Map<String, Object>>() {});
            for (Map.Entry<String, Object> e : raw.entrySet()) {
                out.put(e.getKey(), RegistryCredentials.fromJson(Json.MAPPER.writeValueAsBytes(e.getValue())));
            }
        } catch (IOException | IllegalArgumentException | BerthException e) {
            return Map.of();
        }
        return out;
    }

    private Response prune(Request r) {
        long keep = 0;
        for (String name : List.of("keep-storage", "reserved-space")) {
            String v = r.query(name);
            if (v != null && !v.isEmpty()) {
                try {
                    keep = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw BerthException.invalid("%s is in bytes and expects an integer, got %s", name, v);
                }
            }
        }
        BuildCacheUsage.Pruned pruned =
                builds.cacheUsage().prune(bool(r, "all"), keep, Filters.of(r).values(), clock.instant());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("CachesDeleted", pruned.ids().isEmpty() ? null : pruned.ids());
        body.put("SpaceReclaimed", pruned.spaceReclaimed());
        return Json.response(body);
    }

    private Response cancel(Request r) {
        String id = r.query("id");
        if (id == null || id.isEmpty()) {
            throw BerthException.invalid("build ID not provided");
        }
        builds.cancel(id);
        return Response.status(200);
    }

    /** The BuildCache rows of {@code /system/df}. */
    public List<Map<String, Object>> diskUsage() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (BuildCacheUsage.Record c : builds.cacheUsage().records()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ID", c.id());
            m.put("Parent", "");
            m.put("Parents", null);
            m.put("Type", c.type());
            m.put("Description", c.description());
            m.put("InUse", c.inUse());
            m.put("Shared", c.shared());
            m.put("Size", c.size());
            m.put("CreatedAt", c.createdAt().toString());
            m.put("LastUsedAt", c.lastUsedAt().toString());
            m.put("UsageCount", c.usageCount());
            out.add(m);
        }
        return out;
    }
}
