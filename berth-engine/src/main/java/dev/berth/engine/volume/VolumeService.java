package dev.berth.engine.volume;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.filter.Filters;
import dev.berth.core.io.AtomicFiles;
import dev.berth.core.io.Trees;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.core.snapshot.MountSpec;
import dev.berth.core.sys.Mounts;
import dev.berth.engine.event.Event;
import dev.berth.engine.event.EventBus;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Docker's volume service with the {@code local} driver: create, inspect, list, remove, prune
 * and disk usage of the volumes under {@code <data-root>/volumes}, with the files-first rule of
 * the package description. Operations on one volume hold that volume's lock (one of a fixed set
 * of stripes), never a global one.
 */
public final class VolumeService {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeService.class);
    private static final Set<String> LIST_FILTERS = Set.of("name", "label", "dangling", "driver");
    private static final Set<String> PRUNE_FILTERS = Set.of("label", "label!", "all");
    private static final Set<String> OPTIONS = Set.of("type", "device", "o", "size");

    private final MetadataStore db;
    private final Path root;
    private final EventBus events;
    private final Clock clock;
    private final ReentrantLock[] locks = new ReentrantLock[64];

    public VolumeService(MetadataStore db, Path dataRoot, EventBus events, Clock clock) {
        this.db = db;
        this.root = dataRoot.resolve("volumes");
        this.events = events;
        this.clock = clock;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
        try {
            Files.createDirectories(root);
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx-----x"));
        } catch (IOException e) {
            throw BerthException.unavailable("cannot create %s: %s", root, e.getMessage());
        }
    }

    /** {@code <data-root>/volumes}. */
    public Path root() {
        return root;
    }

    Path mountpoint(String name) {
        return root.resolve(name).resolve("_data");
    }

    ReentrantLock lock(String name) {
        return locks[Math.floorMod(name.hashCode(), locks.length)];
    }

    <T> T read(VolumeWork<T> work) {
        return db.read(tx -> work.run(new VolumeDao(tx, this::mountpoint)));
    }

    <T> T write(VolumeWork<T> work) {
        return db.inTransaction(tx -> work.run(new VolumeDao(tx, this::mountpoint)));
    }

    @FunctionalInterface
    interface VolumeWork<T> {
        T run(VolumeDao dao) throws java.sql.SQLException;
    }

    /**
     * {@code POST /volumes/create}. Without a name the volume is anonymous (64 random hex digits
     * and Docker's anonymous label). A name that exists gives back that volume, as Docker does.
     */
    public Volume create(String name, String driver, Map<String, String> labels, Map<String, String> options) {
        boolean anonymous = name == null || name.isEmpty();
        String n = anonymous ? VolumeNames.random() : name;
        String d = driver == null || driver.isEmpty() ? "local" : driver;
        if (!d.equals("local")) {
            throw noPlugin(n, d);
        }
        VolumeNames.check(n);
        Map<String, String> opts = options == null ? Map.of() : options;
        checkOptions(n, opts);
        Map<String, String> allLabels = new LinkedHashMap<>(labels == null ? Map.of() : labels);
        if (anonymous) {
            allLabels.put(Volume.ANONYMOUS_LABEL, "");
        }
        return ensure(n, anonymous, allLabels, opts);
    }

    /** The volume, made when missing (by create and by a container's mounts); the caller need not hold its lock. */
    Volume ensure(String name, boolean anonymous, Map<String, String> labels, Map<String, String> options) {
        ReentrantLock lock = lock(name);
        lock.lock();
        try {
            var existing = read(dao -> dao.get(name));
            if (existing.isPresent()) {
                return existing.get();
            }
            checkOptions(name, options);
            Volume v = new Volume(
                    name,
                    "local",
                    labels,
                    options,
                    anonymous,
                    clock.instant().truncatedTo(ChronoUnit.SECONDS),
                    mountpoint(name));
            makeDirectory(name);
            try {
                write(dao -> {
                    dao.insert(v);
                    return null;
                });
            } catch (RuntimeException e) {
                deleteFiles(name);
                throw e;
            }
            publish("create", name, Map.of("driver", "local"));
            return v;
        } finally {
            lock.unlock();
        }
    }

    /** {@code GET /volumes/{name}}. */
    public Volume inspect(String name) {
        return read(dao -> dao.get(name)).orElseThrow(() -> noSuch("get", name));
    }

    /** {@code GET /volumes}, filtered by name (a pattern, as Docker's), label, dangling and driver. */
    public List<Volume> list(Map<String, List<String>> filters) {
        Filters.requireOnly(filters, LIST_FILTERS);
        Boolean dangling = Filters.bool(filters, "dangling");
        Map<String, Integer> uses = dangling == null ? Map.of() : read(VolumeDao::useCounts);
        List<Volume> out = new ArrayList<>();
        for (Volume v : read(VolumeDao::all)) {
            if (filters.containsKey("name") && filters.get("name").stream().noneMatch(p -> matches(p, v.name()))) {
                continue;
            }
            if (filters.containsKey("driver") && !filters.get("driver").contains(v.driver())) {
                continue;
            }
            if (!Filters.labelsMatch(filters.get("label"), v.labels())) {
                continue;
            }
            if (dangling != null && (uses.getOrDefault(v.name(), 0) == 0) != dangling) {
                continue;
            }
            out.add(v);
        }
        return out;
    }

    /** The containers using {@code name} (any state). */
    public List<String> users(String name) {
        return read(dao -> dao.users(name));
    }

    /**
     * {@code DELETE /volumes/{name}}: 409 with Docker's message while a container (even a stopped
     * one) has it mounted; {@code force} only makes a missing volume not an error, as Docker's.
     */
    public void remove(String name, boolean force) {
        ReentrantLock lock = lock(name);
        lock.lock();
        Volume v;
        try {
            v = write(dao -> {
                var found = dao.get(name);
                if (found.isEmpty()) {
                    return null;
                }
                List<String> users = dao.users(name);
                if (!users.isEmpty()) {
                    throw BerthException.conflict("remove %s: volume is in use - [%s]", name, String.join(", ", users));
                }
                dao.delete(name);
                return found.get();
            });
            if (v == null) {
                if (force) {
                    return;
                }
                throw noSuch("get", name);
            }
            deleteFiles(name);
        } finally {
            lock.unlock();
        }
        publish("destroy", name, Map.of("driver", v.driver()));
    }

    /** What prune answers: the removed volumes and the bytes their files took. */
    public record Pruned(List<String> deleted, long reclaimed) {}

    /**
     * {@code POST /volumes/prune}: unused volumes; only anonymous ones unless {@code all=true}
     * (API 1.42+; the route sets it for older clients, which pruned every unused volume).
     */
    public Pruned prune(Map<String, List<String>> filters) {
        Filters.requireOnly(filters, PRUNE_FILTERS);
        Boolean all = Filters.bool(filters, "all");
        List<String> deleted = new ArrayList<>();
        long reclaimed = 0;
        Map<String, Integer> uses = read(VolumeDao::useCounts);
        for (Volume v : read(VolumeDao::all)) {
            if (uses.getOrDefault(v.name(), 0) > 0 || (!Boolean.TRUE.equals(all) && !v.anonymous())) {
                continue;
            }
            if (!Filters.labelsMatch(filters.get("label"), v.labels())
                    || !Filters.labelsMatchNone(filters.get("label!"), v.labels())) {
                continue;
            }
            long size = v.mountsDevice() ? 0 : Trees.size(v.mountpoint());
            try {
                remove(v.name(), false);
                deleted.add(v.name());
                reclaimed += size;
            } catch (BerthException e) {
                if (e.kind() != ErrorKind.CONFLICT && e.kind() != ErrorKind.NOT_FOUND) {
                    throw e;
                }
            }
        }
        publish("prune", "", Map.of("reclaimed", Long.toString(reclaimed)));
        return new Pruned(deleted, reclaimed);
    }

    /** A volume with what {@code /system/df} says of it: bytes of its files, and how many containers use it. */
    public record Usage(Volume volume, long size, int refCount) {}

    /** {@code /system/df}: every volume with its size (-1 for a mounted device) and reference count. */
    public List<Usage> usage() {
        Map<String, Integer> uses = read(VolumeDao::useCounts);
        return read(VolumeDao::all).stream()
                .map(v -> new Usage(
                        v, v.mountsDevice() ? -1 : Trees.size(v.mountpoint()), uses.getOrDefault(v.name(), 0)))
                .toList();
    }

    /** What the start-up check did. */
    public record Report(List<String> removed, List<String> repaired) {}

    /**
     * At daemon start: mount points of containers that never got their row go; directories
     * without a row (a create or remove cut short) go; a volume whose directory is missing gets
     * an empty one and is reported with its path.
     */
    public Report startupCheck() {
        List<String> removed = new ArrayList<>();
        List<String> repaired = new ArrayList<>();
        List<String> anonymous = read(VolumeDao::orphanAnonymousVolumes);
        int orphans = write(VolumeDao::deleteOrphanMounts);
        if (orphans > 0) {
            removed.add(orphans + " mount point(s) of containers that were never created");
        }
        for (String name : anonymous) {
            // made for a container whose create did not finish: as a failed create, it takes them along
            if (read(dao -> dao.users(name)).isEmpty()) {
                remove(name, true);
                removed.add("anonymous volume " + name + " of a container that was never created");
            }
        }
        Set<String> names = new HashSet<>();
        for (Volume v : read(VolumeDao::all)) {
            names.add(v.name());
            if (!Files.isDirectory(v.mountpoint(), LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createDirectories(v.mountpoint());
                    repaired.add("volume " + v.name() + ": " + v.mountpoint() + " was missing; it is empty now");
                } catch (IOException e) {
                    repaired.add("volume " + v.name() + ": " + v.mountpoint() + " is missing and cannot be made: "
                            + e.getMessage());
                }
            }
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (!names.contains(name)) {
                    if (deleteTreeSafely(dir)) {
                        removed.add(dir.toString());
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("start-up check of {}: {}", root, e.getMessage());
        }
        return new Report(removed, repaired);
    }

    /** Mounts a volume's device (driver options) on its mountpoint if it is not mounted yet. */
    void activate(Volume v) {
        if (!v.mountsDevice()) {
            return;
        }
        ReentrantLock lock = lock(v.name());
        lock.lock();
        try {
            if (Mounts.isMountPoint(v.mountpoint())) {
                return;
            }
            String type = v.options().get("type");
            String device = v.options().get("device");
            String o = v.options().getOrDefault("o", "");
            MountSpec spec = new MountSpec(type, device, o.isEmpty() ? List.of() : List.of(o.split(",")));
            try {
                Mounts.mount(
                        device, v.mountpoint(), type, spec.flags(), spec.data().isEmpty() ? null : spec.data());
            } catch (BerthException e) {
                throw BerthException.unavailable(
                        "error while mounting volume '%s': failed to mount local volume: "
                                + "mount %s:%s, flags: 0x%x, data: %s: %s",
                        v.mountpoint(), device, v.mountpoint(), spec.flags(), spec.data(), e.getMessage());
            }
        } finally {
            lock.unlock();
        }
    }

    void publish(String action, String name, Map<String, String> attributes) {
        events.publish(Event.now("volume", action, name, attributes));
    }

    static BerthException noPlugin(String name, String driver) {
        return BerthException.notFound(
                "create %s: error looking up volume plugin %s: plugin \"%s\" not found", name, driver, driver);
    }

    static BerthException noSuch(String op, String name) {
        return BerthException.notFound("%s %s: no such volume", op, name);
    }

    /** The local driver's options: none, or a filesystem to mount (type, device, o). */
    private static void checkOptions(String name, Map<String, String> opts) {
        if (opts.isEmpty()) {
            return;
        }
        for (String key : opts.keySet()) {
            if (!OPTIONS.contains(key)) {
                throw BerthException.invalid("create %s: invalid option: \"%s\"", name, key);
            }
        }
        if (opts.containsKey("size")) {
            throw BerthException.invalid("create %s: quota size requested but no quota support", name);
        }
        if (!opts.containsKey("type") || opts.get("type").isEmpty()) {
            throw BerthException.invalid("create %s: missing required option: \"type\"", name);
        }
        if (!opts.containsKey("device") || opts.get("device").isEmpty()) {
            throw BerthException.invalid("create %s: missing required option: \"device\"", name);
        }
    }

    /** {@code volumes/.new-…/_data}, renamed to {@code volumes/<name>} (anything left there without a row is garbage). */
    private void makeDirectory(String name) {
        Path target = root.resolve(name);
        Path tmp = root.resolve(".new-" + VolumeNames.random().substring(0, 16));
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !deleteTreeSafely(target)) {
            throw BerthException.unavailable(
                    "cannot create volume %s: %s is left from before and holds a mount", name, target);
        }
        try {
            Files.createDirectories(tmp.resolve("_data"));
            AtomicFiles.moveNoReplace(tmp, target, AtomicFiles.Sync.DURABLE);
        } catch (IOException | BerthException e) {
            Trees.delete(tmp);
            throw BerthException.unavailable("cannot create volume %s in %s: %s", name, root, e.getMessage());
        }
    }

    /** Moves a volume's directory out of the way (unmounting its device), then deletes it. */
    private void deleteFiles(String name) {
        Path dir = root.resolve(name);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path gone = root.resolve(".gone-" + VolumeNames.random().substring(0, 16));
        try {
            AtomicFiles.moveNoReplace(dir, gone, AtomicFiles.Sync.VOLATILE);
        } catch (BerthException e) {
            LOG.warn("volume {}: cannot move {} away: {}", name, dir, e.getMessage());
            gone = dir;
        }
        if (!deleteTreeSafely(gone)) {
            LOG.error("volume {}: {} still holds a mount; its files are left in place", name, gone);
        }
    }

    /**
     * Unmounts whatever is mounted at or below {@code dir}, then deletes it; false (and nothing
     * deleted) when a mount remains: deleting through a bind mount would delete the host's files.
     */
    static boolean deleteTreeSafely(Path dir) {
        try {
            Mounts.unmountAllUnder(dir);
        } catch (BerthException e) {
            LOG.warn("unmounting under {}: {}", dir, e.getMessage());
        }
        if (!Mounts.mountPointsUnder(dir).isEmpty()) {
            return false;
        }
        Trees.delete(dir);
        return true;
    }

    private static boolean matches(String pattern, String name) {
        try {
            return Pattern.compile(pattern).matcher(name).find();
        } catch (PatternSyntaxException e) {
            return name.contains(pattern);
        }
    }
}
