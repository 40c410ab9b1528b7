package dev.berth.api.system;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.api.server.ApiVersion;
import dev.berth.api.server.Filters;
import dev.berth.api.server.Json;
import dev.berth.api.server.MessageStream;
import dev.berth.api.server.ServerIdentity;
import dev.berth.core.error.BerthException;
import dev.berth.engine.event.Event;
import dev.berth.engine.event.EventBus;
import dev.berth.engine.system.HostFacts;
import dev.berth.engine.system.SystemFacts;
import dev.berth.http.server.Request;
import dev.berth.http.server.Response;
import dev.berth.http.server.Router;
import dev.berth.http.server.Routes;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The system endpoints: {@code /_ping} (GET, HEAD), {@code /version}, {@code /info} and the
 * {@code /events} stream, in Docker's JSON shapes (SystemVersion, SystemInfo, EventMessage).
 */
public final class SystemRoutes implements Routes {
    private static final Object END = new Object();

    private final Supplier<SystemFacts> facts;
    private final EventBus events;
    private final HostFacts host;
    private final AtomicInteger listeners = new AtomicInteger();

    /** {@code facts} is asked once per {@code /info}; {@code events} feeds {@code /events}. */
    public SystemRoutes(Supplier<SystemFacts> facts, EventBus events, HostFacts host) {
        this.facts = facts;
        this.events = events;
        this.host = host;
    }

    @Override
    public void register(Router router) {
        router.get("/_ping", this::ping)
                .head("/_ping", this::ping)
                .get("/version", r -> Json.response(version()))
                .get("/info", r -> Json.response(info()))
                .get("/events", this::events);
    }

    /** Docker's ping: "OK", and the headers the CLI negotiates with. */
    private Response ping(Request r) {
        Response ok = r.method().equals("HEAD")
                ? Response.bytes("text/plain; charset=utf-8", new byte[0])
                : Response.text("OK");
        return ok.withHeader("Cache-Control", "no-cache, no-store, must-revalidate")
                .withHeader("Pragma", "no-cache")
                .withHeader("Builder-Version", "1")
                .withHeader("Swarm", "inactive");
    }

    Map<String, Object> version() {
        String goVersion = "java" + Runtime.version().feature() + " (" + Runtime.version() + ")";
        Map<String, String> details = new LinkedHashMap<>();
        details.put("ApiVersion", ApiVersion.CURRENT.toString());
        details.put("Arch", HostFacts.goArch());
        details.put("BuildTime", ServerIdentity.BUILD_TIME);
        details.put("Experimental", "false");
        details.put("GitCommit", ServerIdentity.GIT_COMMIT);
        details.put("GoVersion", goVersion);
        details.put("KernelVersion", host.kernelVersion());
        details.put("MinAPIVersion", ApiVersion.MINIMUM.toString());
        details.put("Os", "linux");
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("Platform", Map.of("Name", "Berth " + ServerIdentity.VERSION));
        v.put("Components", List.of(Map.of("Name", "Engine", "Version", ServerIdentity.VERSION, "Details", details)));
        v.put("Version", ServerIdentity.VERSION);
        v.put("ApiVersion", ApiVersion.CURRENT.toString());
        v.put("MinAPIVersion", ApiVersion.MINIMUM.toString());
        v.put("GitCommit", ServerIdentity.GIT_COMMIT);
        v.put("GoVersion", goVersion);
        v.put("Os", "linux");
        v.put("Arch", HostFacts.goArch());
        v.put("KernelVersion", host.kernelVersion());
        v.put("BuildTime", ServerIdentity.BUILD_TIME);
        return v;
    }

    Map<String, Object> info() {
        SystemFacts f = facts.get();
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("ID", f.daemonId());
        i.put("Containers", f.containers().total());
        i.put("ContainersRunning", f.containers().running());
        i.put("ContainersPaused", f.containers().paused());
        i.put("ContainersStopped", f.containers().stopped());
        i.put("Images", f.images());
        i.put("Driver", f.storageDriver());
        i.put("DriverStatus", f.driverStatus());
        i.put("DockerRootDir", f.dataRoot().toString());
        i.put(
                "Plugins",
                Map.of(
                        "Volume", List.of("local"),
                        "Network", List.of("host", "null"),
                        "Authorization", List.of(),
                        "Log", f.logDrivers()));
        i.put("MemoryLimit", true);
        i.put("SwapLimit", true);
        i.put("CpuCfsPeriod", true);
        i.put("CpuCfsQuota", true);
        i.put("CPUShares", true);
        i.put("CPUSet", true);
        i.put("PidsLimit", true);
        i.put("OomKillDisable", false);
        i.put("IPv4Forwarding", false);
        i.put("BridgeNfIptables", false);
        i.put("BridgeNfIp6tables", false);
        i.put("Debug", false);
        i.put("NFd", HostFacts.openFiles());
        i.put("NGoroutines", Thread.activeCount());
        i.put("SystemTime", OffsetDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        i.put("LoggingDriver", f.loggingDriver());
        i.put("CgroupDriver", f.cgroupDriver());
        i.put("CgroupVersion", f.cgroupVersion());
        i.put("NEventsListener", listeners.get());
        i.put("KernelVersion", host.kernelVersion());
        i.put("OperatingSystem", host.operatingSystem());
        i.put("OSVersion", host.osVersion());
        i.put("OSType", "linux");
        i.put("Architecture", HostFacts.machine());
        i.put("IndexServerAddress", "https://index.docker.io/v1/");
        i.put(
                "RegistryConfig",
                Map.of(
                        "InsecureRegistryCIDRs", List.of("::1/128", "127.0.0.0/8"),
                        "IndexConfigs",
                                Map.of(
                                        "docker.io",
                                        Map.of(
                                                "Name",
                                                "docker.io",
                                                "Mirrors",
                                                List.of(),
                                                "Secure",
                                                true,
                                                "Official",
                                                true)),
                        "Mirrors", List.of()));
        i.put("NCPU", host.ncpu());
        i.put("MemTotal", host.memTotal());
        i.put("GenericResources", null);
        i.put("HttpProxy", env("HTTP_PROXY"));
        i.put("HttpsProxy", env("HTTPS_PROXY"));
        i.put("NoProxy", env("NO_PROXY"));
        i.put("Name", host.hostname());
        i.put("Labels", List.of());
        i.put("ExperimentalBuild", false);
        i.put("ServerVersion", ServerIdentity.VERSION);
        Map<String, Object> runtimes = new LinkedHashMap<>();
        f.runtimes().forEach((name, path) -> runtimes.put(name, Map.of("path", path)));
        i.put("Runtimes", runtimes);
        i.put("DefaultRuntime", f.defaultRuntime());
        i.put(
                "Swarm",
                Map.of(
                        "NodeID",
                        "",
                        "NodeAddr",
                        "",
                        "LocalNodeState",
                        "inactive",
                        "ControlAvailable",
                        false,
                        "Error",
                        "",
                        "RemoteManagers",
                        List.of()));
        i.put("LiveRestoreEnabled", false);
        i.put("Isolation", "");
        i.put("InitBinary", "");
        i.put("ContainerdCommit", Map.of("ID", ""));
        i.put("RuncCommit", Map.of("ID", ""));
        i.put("InitCommit", Map.of("ID", ""));
        i.put("SecurityOptions", List.of("name=seccomp,profile=builtin", "name=cgroupns"));
        i.put("Warnings", f.warnings());
        return i;
    }

    private static String env(String name) {
        String v = System.getenv(name);
        if (v == null) {
            v = System.getenv(name.toLowerCase(java.util.Locale.ROOT));
        }
        return v == null ? "" : v;
    }

    /**
     * moby's {@code getEvents}: with {@code since} or {@code until}, first the recorded events in
     * that window; then, unless {@code until} is past, live events until {@code until} or until
     * the client disconnects.
     */
    private Response events(Request r) {
        Long since = parseTimestamp("since", r.query("since"));
        Long until = parseTimestamp("until", r.query("until"));
        long now = nowNanos();
        if (since != null && until != null && until < since) {
            throw BerthException.invalid(
                    "`since` time (%s) cannot be after `until` time (%s)", r.query("since"), r.query("until"));
        }
        EventFilter filter = new EventFilter(Filters.of(r));
        boolean onlyPast = until != null && until < now;
        return MessageStream.response(out -> {
            LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
            listeners.incrementAndGet();
            try (EventBus.Subscription subscription = events.subscribe(queue::offer)) {
                out.onClose(() -> queue.offer(END));
                out.flushHeaders();
                if (since != null || until != null) {
                    for (Event e : subscription.past()) {
                        if ((since == null || e.timeNanos() >= since)
                                && (until == null || e.timeNanos() <= until)
                                && filter.matches(e)) {
                            out.send(EventMessage.from(e));
                        }
                    }
                }
                if (onlyPast) {
                    return;
                }
                while (true) {
                    Object next;
                    if (until == null) {
                        next = queue.take();
                    } else {
                        long wait = until - nowNanos();
                        next = wait <= 0 ? null : queue.poll(wait, TimeUnit.NANOSECONDS);
                    }
                    if (next == null || next == END || !out.isOpen()) {
                        return;
                    }
                    Event e = (Event) next;
                    if (filter.matches(e)) {
                        out.send(EventMessage.from(e));
                    }
                }
            } finally {
                listeners.decrementAndGet();
            }
        });
    }

    private static long nowNanos() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /**
     * Docker's {@code timetypes.ParseTimestamps}: {@code seconds[.fraction]} since the epoch (the
     * CLI turns durations and dates into this form), as nanoseconds; null when absent.
     */
    static Long parseTimestamp(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        String[] parts = value.split("\\.", 2);
        try {
            long seconds = Long.parseLong(parts[0]);
            long nanos = 0;
            if (parts.length == 2 && !parts[1].isEmpty()) {
                String frac = (parts[1] + "000000000").substring(0, 9);
                nanos = Long.parseLong(frac);
            }
            return Math.addExact(Math.multiplyExact(seconds, 1_000_000_000L), nanos);
        } catch (NumberFormatException | ArithmeticException e) {
            throw BerthException.invalid("invalid value for %s: %s", name, value);
        }
    }

    /** Docker's EventMessage, with the legacy status/id/from fields it still sends for containers and images. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record EventMessage(
            @JsonProperty("status") String status,
            @JsonProperty("id") String id,
            @JsonProperty("from") String from,
            @JsonProperty("Type") String type,
            @JsonProperty("Action") String action,
            @JsonProperty("Actor") Actor actor,

            @JsonProperty("scope") @JsonInclude(JsonInclude.Include.ALWAYS)
            String scope,

            @JsonProperty("time") long time,
            @JsonProperty("timeNano") long timeNano) {

        record Actor(
                @JsonProperty("ID") String id,
                @JsonProperty("Attributes") Map<String, String> attributes) {}

        static EventMessage from(Event e) {
            boolean legacy = e.type().equals("container") || e.type().equals("image");
            return new EventMessage(
                    legacy ? e.action() : null,
                    legacy ? e.actorId() : null,
                    e.type().equals("container") ? e.attributes().get("image") : null,
                    e.type(),
                    e.action(),
                    new Actor(e.actorId(), e.attributes()),
                    "local",
                    Math.floorDiv(e.timeNanos(), 1_000_000_000L),
                    e.timeNanos());
        }
    }
}
