package dev.berth.engine.container;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.snapshot.Snapshotter;
import dev.berth.core.text.HumanDuration;
import dev.berth.engine.image.ImageServices;
import dev.berth.runtime.spec.Mount;
import dev.berth.runtime.spec.SpecJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code docker ps} and {@code docker inspect}: containers with Docker's filters, sizes on request. */
public final class ContainerQueries {
    private static final Set<String> FILTERS = Set.of(
            "status",
            "name",
            "label",
            "ancestor",
            "exited",
            "id",
            "before",
            "since",
            "network",
            "volume",
            "health",
            "is-task",
            "publish",
            "expose");

    private final ContainerStore store;
    private final ImageServices images;
    private final Snapshotter snapshots;
    private final ContainerPaths paths;
    private final HealthChecks health;

    ContainerQueries(
            ContainerStore store,
            ImageServices images,
            Snapshotter snapshots,
            ContainerPaths paths,
            HealthChecks health) {
        this.store = store;
        this.images = images;
        this.snapshots = snapshots;
        this.paths = paths;
        this.health = health;
    }

    /** State.Health of a container with a Healthcheck that has run; empty otherwise. */
    public Optional<Health.Snapshot> health(Container c) {
        return health.of(c.id());
    }

    /**
     * The Image column of {@code docker ps}: the name the container was created with while it
     * still names the container's image, else the image ID (moby daemon/list.go), e.g. after
     * {@code rmi -f} untagged it or a pull moved the tag.
     */
    public String imageShown(Container c) {
        return shown(c, resolve(c.imageName()));
    }

    /** {@link #imageShown} of each of {@code list}, in its order, each name resolved once. */
    public List<String> imagesShown(List<Container> list) {
        Map<String, Optional<Digest>> resolved = new HashMap<>();
        return list.stream()
                .map(c -> shown(c, resolved.computeIfAbsent(c.imageName(), this::resolve)))
                .toList();
    }

    private Optional<Digest> resolve(String name) {
        try {
            return Optional.of(images.resolver().resolve(name));
        } catch (BerthException e) {
            return Optional.empty(); // the name is gone
        }
    }

    private static String shown(Container c, Optional<Digest> named) {
        return named.filter(c.imageId()::equals).isPresent()
                ? c.imageName()
                : c.imageId().toString();
    }

    /** Where the container's files are: resolv, hostname, hosts, log (for inspect). */
    public Map<String, String> files(Container c) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("resolv", paths.dir(c.id()).resolve("resolv.conf").toString());
        m.put("hostname", paths.dir(c.id()).resolve("hostname").toString());
        m.put("hosts", paths.dir(c.id()).resolve("hosts").toString());
        java.nio.file.Path log = ContainerLog.path(c, paths);
        m.put("log", log == null ? "" : log.toString());
        return m;
    }

    /**
     * Where the container's last start mounted something (its OCI spec's mount destinations):
     * {@code /proc}, {@code /etc/hosts}, binds, tmpfs … Empty for a container never started. A
     * build removes the empty mount points the runtime had to create from the layer it commits,
     * as Docker keeps them in the container's init layer.
     */
    public List<String> mountDestinations(Container c) {
        Path spec = paths.spec(c.id());
        if (!Files.exists(spec)) {
            return List.of();
        }
        return SpecJson.read(spec).mounts().stream().map(Mount::destination).toList();
    }

    /** GraphDriver.Data: for overlay LowerDir, UpperDir, WorkDir (and MergedDir, where the rootfs appears). */
    public Map<String, String> graphData(Container c) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        try {
            for (var mount : snapshots.mounts(c.snapshotKey())) {
                for (String o : mount.options()) {
                    String base =
                            mount.workingDir() == null ? "" : mount.workingDir().toString() + "/";
                    if (o.startsWith("lowerdir=")) {
                        List<String> lowers = new ArrayList<>();
                        for (String l : o.substring(9).split(":")) {
                            lowers.add(l.startsWith("/") ? l : base + l);
                        }
                        m.put("LowerDir", String.join(":", lowers));
                    } else if (o.startsWith("upperdir=")) {
                        m.put("UpperDir", o.substring(9).startsWith("/") ? o.substring(9) : base + o.substring(9));
                    } else if (o.startsWith("workdir=")) {
                        m.put("WorkDir", o.substring(8).startsWith("/") ? o.substring(8) : base + o.substring(8));
                    }
                }
                if (mount.isBind()) {
                    m.put("UpperDir", mount.source());
                }
            }
        } catch (RuntimeException e) {
            // a container whose layer is missing still inspects
        }
        m.put("MergedDir", paths.rootfs(c.id()).toString());
        return m;
    }

    public Container inspect(String ref) {
        return store.resolve(ref);
    }

    /** Bytes in the writable layer, and those plus the image's. */
    public record Sizes(long rw, long rootFs) {}

    public Sizes sizes(Container c) {
        long rw = snapshots.usage(c.snapshotKey());
        long image = images.store().row(c.imageId()).map(r -> r.size()).orElse(0L);
        return new Sizes(rw, rw + image);
    }

    /** The storage driver's name, for GraphDriver. */
    public String driver() {
        return snapshots.driver();
    }

    /**
     * {@code GET /containers/json}: running ones unless {@code all}; {@code limit} > 0 means the
     * newest N (of all); filters as Docker's (status, name, label, ancestor, exited, id, before, since).
     */
    public List<Container> list(boolean all, int limit, Map<String, List<String>> filters) {
        for (String key : filters.keySet()) {
            if (!FILTERS.contains(key)) {
                throw BerthException.invalid("invalid filter '%s'", key);
            }
        }
        List<String> statuses = filters.getOrDefault("status", List.of());
        for (String s : statuses) {
            if (!List.of("created", "restarting", "running", "removing", "paused", "exited", "dead")
                    .contains(s)) {
                throw BerthException.invalid("invalid filter 'status=%s'", s);
            }
        }
        List<String> healths = filters.getOrDefault("health", List.of());
        for (String h : healths) {
            if (!List.of("starting", "healthy", "unhealthy", "none").contains(h)) {
                throw BerthException.invalid("Unrecognised filter value for health: %s", h);
            }
        }
        List<Integer> exited = new ArrayList<>();
        for (String e : filters.getOrDefault("exited", List.of())) {
            try {
                exited.add(Integer.parseInt(e));
            } catch (NumberFormatException ex) {
                throw BerthException.invalid("invalid filter 'exited=%s'", e);
            }
        }
        List<Digest> ancestors = new ArrayList<>();
        for (String a : filters.getOrDefault("ancestor", List.of())) {
            images.resolver().find(a).ifPresent(ancestors::add);
        }
        List<Container> everything = store.all();
        java.time.Instant before = bound(filters.get("before"), everything);
        java.time.Instant since = bound(filters.get("since"), everything);
        boolean showAll =
                all || !statuses.isEmpty() || !exited.isEmpty() || limit > 0 || before != null || since != null;
        List<Container> out = new ArrayList<>();
        for (Container c : everything) {
            String status = c.status().word();
            if (!showAll && !c.status().isAlive()) {
                continue;
            }
            if (!statuses.isEmpty() && !statuses.contains(status)) {
                continue;
            }
            if (!exited.isEmpty()
                    && (c.status() != ContainerStatus.EXITED && c.status() != ContainerStatus.CREATED
                            || !exited.contains(c.state().exitCode())
                            || c.state().startedAt() == null)) {
                continue;
            }
            if (!matchesAny(filters.get("id"), v -> c.id().startsWith(v))) {
                continue;
            }
            if (!matchesAny(
                    filters.get("name"),
                    v -> java.util.regex.Pattern.compile(v).matcher(c.name()).find())) {
                continue;
            }
            if (!labels(filters.get("label"), c.config().labels())) {
                continue;
            }
            if (filters.containsKey("ancestor")
                    && !ancestors.contains(c.imageId())
                    && !filters.get("ancestor").contains(c.imageName())) {
                continue;
            }
            if (!healths.isEmpty()
                    && !healths.contains(
                            health.of(c.id()).map(h -> h.status().word()).orElse("none"))) {
                continue;
            }
            if (before != null && !c.created().isBefore(before)) {
                continue;
            }
            if (since != null && !c.created().isAfter(since)) {
                continue;
            }
            out.add(c);
            if (limit > 0 && out.size() >= limit) {
                break;
            }
        }
        return out;
    }

    private java.time.Instant bound(List<String> refs, List<Container> all) {
        if (refs == null || refs.isEmpty()) {
            return null;
        }
        Optional<Container> c = store.find(refs.getFirst());
        return c.orElseThrow(() -> ContainerStore.noSuch(refs.getFirst())).created();
    }

    private static boolean matchesAny(List<String> values, java.util.function.Predicate<String> test) {
        if (values == null || values.isEmpty()) {
            return true;
        }
        for (String v : values) {
            if (test.test(v)) {
                return true;
            }
        }
        return false;
    }

    private static boolean labels(List<String> conditions, Map<String, String> labels) {
        if (conditions == null) {
            return true;
        }
        for (String cond : conditions) {
            int eq = cond.indexOf('=');
            if (eq < 0
                    ? !labels.containsKey(cond)
                    : !cond.substring(eq + 1).equals(labels.get(cond.substring(0, eq)))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Docker's ps Status column: "Up 5 seconds", "Up 2 minutes (healthy)", "Exited (0) 2 minutes
     * ago", "Created" …
     */
    public String humanStatus(Container c, java.time.Instant now) {
        ContainerState s = c.state();
        return switch (c.status()) {
            case RUNNING ->
                "Up " + duration(s.startedAt(), now)
                        + health.of(c.id())
                                .map(h -> h.status() == Health.Status.STARTING
                                        ? " (health: starting)"
                                        : " (" + h.status().word() + ")")
                                .orElse("");
            case PAUSED -> "Up " + duration(s.startedAt(), now) + " (Paused)";
            case RESTARTING -> "Restarting (" + s.exitCode() + ") " + duration(s.finishedAt(), now) + " ago";
            case EXITED -> "Exited (" + s.exitCode() + ") " + duration(s.finishedAt(), now) + " ago";
            case CREATED -> "Created";
            case REMOVING -> "Removal In Progress";
            case DEAD -> "Dead";
        };
    }

    private static String duration(java.time.Instant from, java.time.Instant to) {
        return from == null ? "Less than a second" : HumanDuration.of(java.time.Duration.between(from, to));
    }
}
