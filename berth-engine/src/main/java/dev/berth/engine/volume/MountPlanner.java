package dev.berth.engine.volume;

import dev.berth.core.error.BerthException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns a create request's mounts into the container's mount points, as moby's
 * registerMountPoints with the Linux parser (volume/mounts/linux_parser.go): first the mounts of
 * {@code VolumesFrom}, then {@code Binds} (which replace them at the same destination), then
 * {@code Mounts}, then the image's and the request's {@code Volumes} where nothing else is mounted
 * (anonymous volumes). Pure: nothing is created here, so a bad request fails before any change.
 *
 * <p>Binds of absolute host paths are checked here but stay with the container's own HostConfig
 * (the container code mounts them); every other kind becomes a {@link Planned} mount point.
 */
public final class MountPlanner {
    private static final Set<String> RW_MODES = Set.of("rw", "ro");
    private static final Set<String> LABEL_MODES = Set.of("z", "Z");
    private static final Set<String> PROPAGATION_MODES =
            Set.of("private", "rprivate", "slave", "rslave", "shared", "rshared");
    private static final Set<String> COPY_MODES = Set.of("nocopy");
    private static final Set<String> CONSISTENCY_MODES = Set.of("consistent", "cached", "delegated");

    private MountPlanner() {}

    /**
     * One mount point to make at create.
     *
     * @param point       with {@code volumeName} null for an anonymous volume still to be named
     * @param copyData    fill a new, empty volume from the image's files at the destination
     * @param labels      for a volume created here (--mount volume-label=…)
     * @param options     driver options for a volume created here (--mount volume-opt=…)
     */
    public record Planned(MountPoint point, boolean copyData, Map<String, String> labels, Map<String, String> options) {
        public Planned {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            options = options == null ? Map.of() : Map.copyOf(options);
        }
    }

    /** What {@code --volumes-from} needs of another container: its ID and its host-path Binds. */
    public record Source(String containerId, List<String> binds) {}

    /** The parts of a create request that make mounts. */
    public record Request(
            Collection<String> volumes,
            List<String> binds,
            List<MountRequest> mounts,
            List<String> volumesFrom,
            Collection<String> tmpfs) {
        public Request {
            volumes = volumes == null ? List.of() : volumes;
            binds = binds == null ? List.of() : binds;
            mounts = mounts == null ? List.of() : mounts;
            volumesFrom = volumesFrom == null ? List.of() : volumesFrom;
            tmpfs = tmpfs == null ? List.of() : tmpfs;
        }
    }

    /** A parsed Binds entry. {@code source} is empty for an anonymous volume. */
    public record Bind(String source, String destination, String mode, boolean readOnly, boolean isHostPath) {
        public boolean copyData() {
            return !List.of(mode.split(",")).contains("nocopy");
        }

        public String propagation() {
            for (String m : mode.split(",")) {
                if (PROPAGATION_MODES.contains(m)) {
                    return m;
                }
            }
            return "rprivate";
        }
    }

    /**
     * The mount points of a new container.
     *
     * @param containers  resolves a {@code VolumesFrom} reference (404 when there is none)
     * @param mountsOf    the mount points another container has (for {@code VolumesFrom})
     */
    public static List<Planned> plan(
            Request r, Function<String, Source> containers, Function<String, List<MountPoint>> mountsOf) {
        Map<String, Planned> points = new LinkedHashMap<>();
        for (String spec : r.volumesFrom()) {
            String[] parts = spec.split(":", -1);
            if (parts.length > 2 || parts[0].isEmpty()) {
                throw BerthException.invalid("invalid volumes-from specification: '%s'", spec);
            }
            String mode = parts.length == 2 ? parts[1] : "";
            if (!validMode(mode)) {
                throw BerthException.invalid("invalid mode: %s", mode);
            }
            boolean rw = !List.of(mode.split(",")).contains("ro");
            Source source = containers.apply(parts[0]);
            for (MountPoint m : mountsOf.apply(source.containerId())) {
                points.put(m.destination(), new Planned(m.withRw(m.rw() && rw), false, null, null));
            }
            for (String bind : source.binds()) {
                Bind b = parseBind(bind);
                if (b.isHostPath()) {
                    points.put(
                            b.destination(),
                            new Planned(
                                    new MountPoint(
                                            MountPoint.BIND,
                                            null,
                                            b.source(),
                                            b.destination(),
                                            b.mode(),
                                            !b.readOnly() && rw,
                                            b.propagation(),
                                            true),
                                    false,
                                    null,
                                    null));
                }
            }
        }
        Set<String> bound = new java.util.HashSet<>();
        for (String spec : r.binds()) {
            Bind b = parseBind(spec);
            if (!bound.add(b.destination())) {
                throw BerthException.invalid("Duplicate mount point: %s", b.destination());
            }
            if (b.isHostPath()) {
                points.remove(b.destination()); // the container's own HostConfig mounts it
                continue;
            }
            String mode = b.mode().isEmpty() ? "z" : b.mode();
            points.put(
                    b.destination(),
                    new Planned(
                            new MountPoint(
                                    MountPoint.VOLUME,
                                    b.source().isEmpty() ? null : b.source(),
                                    "",
                                    b.destination(),
                                    mode,
                                    !b.readOnly(),
                                    "",
                                    !b.source().isEmpty()),
                            b.copyData(),
                            null,
                            null));
        }
        for (MountRequest m : r.mounts()) {
            Planned p = parseMount(m);
            if (!bound.add(p.point().destination())) {
                throw BerthException.invalid(
                        "Duplicate mount point: %s", p.point().destination());
            }
            points.put(p.point().destination(), p);
        }
        Set<String> tmpfs = new java.util.HashSet<>();
        r.tmpfs().forEach(t -> tmpfs.add(clean(t)));
        for (String volume : r.volumes()) {
            String dest = clean(volume);
            checkDestination("volume", volume);
            if (points.containsKey(dest) || bound.contains(dest) || tmpfs.contains(dest)) {
                continue;
            }
            points.put(
                    dest,
                    new Planned(
                            new MountPoint(MountPoint.VOLUME, null, "", dest, "", true, "", false), true, null, null));
        }
        return List.copyOf(points.values());
    }

    /** Docker's Binds syntax {@code [source:]destination[:mode]}, checked with Docker's messages. */
    public static Bind parseBind(String raw) {
        String[] arr = raw.split(":", -1);
        if (arr[0].isEmpty()) {
            throw invalidSpec(raw);
        }
        String source = "";
        String target;
        String mode = "";
        switch (arr.length) {
            case 1 -> target = arr[0];
            case 2 -> {
                if (validMode(arr[1])) {
                    throw invalidSpec(raw); // a destination and a mode is not a volume: "/foo:rw"
                }
                source = arr[0];
                target = arr[1];
            }
            case 3 -> {
                source = arr[0];
                target = arr[1];
                mode = arr[2];
            }
            default -> throw invalidSpec(raw);
        }
        if (!validMode(mode)) {
            throw BerthException.invalid("invalid mode: %s", mode);
        }
        boolean hostPath = source.startsWith("/");
        String type = hostPath ? "bind" : "volume";
        checkDestination(type, target);
        if (!hostPath && !source.isEmpty()) {
            VolumeNames.check(source);
        }
        return new Bind(source, clean(target), mode, List.of(mode.split(",")).contains("ro"), hostPath);
    }

    private static Planned parseMount(MountRequest m) {
        String type = m.type() == null ? "" : m.type();
        String source = m.source() == null ? "" : m.source();
        String target = m.target() == null ? "" : m.target();
        if (!List.of(MountPoint.BIND, MountPoint.VOLUME, MountPoint.TMPFS).contains(type)) {
            throw mountConfig(type, "mount type unknown");
        }
        if (target.isEmpty()) {
            throw mountConfig(type, "field Target must not be empty");
        }
        checkDestination(type, target);
        String dest = clean(target);
        switch (type) {
            case MountPoint.BIND -> {
                if (m.volumeOptions() != null) {
                    throw mountConfig(type, "field VolumeOptions must not be specified");
                }
                if (m.tmpfsOptions() != null) {
                    throw mountConfig(type, "field TmpfsOptions must not be specified");
                }
                if (source.isEmpty()) {
                    throw mountConfig(type, "field Source must not be empty");
                }
                if (!source.startsWith("/")) {
                    throw mountConfig(type, "invalid mount path: '" + source + "' mount path must be absolute");
                }
                boolean create = m.bindOptions() != null && m.bindOptions().createMountpoint();
                if (!create && !Files.exists(Path.of(source))) {
                    throw mountConfig(type, "bind source path does not exist: " + source);
                }
                String propagation = m.bindOptions() == null
                                || m.bindOptions().propagation() == null
                                || m.bindOptions().propagation().isEmpty()
                        ? "rprivate"
                        : m.bindOptions().propagation();
                if (!PROPAGATION_MODES.contains(propagation)) {
                    throw mountConfig(type, "invalid propagation mode: " + propagation);
                }
                return new Planned(
                        new MountPoint(
                                MountPoint.BIND,
                                null,
                                Path.of(source).normalize().toString(),
                                dest,
                                "",
                                !m.readOnly(),
                                propagation,
                                true),
                        false,
                        null,
                        null);
            }
            case MountPoint.VOLUME -> {
                if (m.bindOptions() != null) {
                    throw mountConfig(type, "field BindOptions must not be specified");
                }
                if (m.tmpfsOptions() != null) {
                    throw mountConfig(type, "field TmpfsOptions must not be specified");
                }
                MountRequest.VolumeOptions o = m.volumeOptions();
                if (o != null && o.subpath() != null && !o.subpath().isEmpty()) {
                    throw BerthException.notImplemented(
                            "volume subpaths are not supported (volume-subpath=%s)", o.subpath());
                }
                if (o != null
                        && o.driverConfig() != null
                        && o.driverConfig().name() != null
                        && !o.driverConfig().name().isEmpty()
                        && !o.driverConfig().name().equals("local")) {
                    throw VolumeService.noPlugin(source, o.driverConfig().name());
                }
                if (!source.isEmpty()) {
                    VolumeNames.check(source);
                }
                Map<String, String> options = o == null || o.driverConfig() == null
                        ? null
                        : o.driverConfig().options();
                return new Planned(
                        new MountPoint(
                                MountPoint.VOLUME,
                                source.isEmpty() ? null : source,
                                "",
                                dest,
                                "z",
                                !m.readOnly(),
                                "",
                                !source.isEmpty()),
                        o == null || !o.noCopy(),
                        o == null ? null : o.labels(),
                        options);
            }
            default -> {
                if (!source.isEmpty()) {
                    throw mountConfig(type, "field Source must not be specified");
                }
                if (m.bindOptions() != null) {
                    throw mountConfig(type, "field BindOptions must not be specified");
                }
                if (m.volumeOptions() != null) {
                    throw mountConfig(type, "field VolumeOptions must not be specified");
                }
                List<String> options = new ArrayList<>();
                MountRequest.TmpfsOptions t = m.tmpfsOptions();
                if (t != null && t.sizeBytes() > 0) {
                    options.add("size=" + t.sizeBytes());
                }
                if (t != null && t.mode() != 0) {
                    options.add("mode=" + Integer.toOctalString(t.mode() & 07777));
                }
                if (m.readOnly()) {
                    options.add("ro");
                }
                return new Planned(
                        new MountPoint(
                                MountPoint.TMPFS, null, String.join(",", options), dest, "", !m.readOnly(), "", false),
                        false,
                        null,
                        null);
            }
        }
    }

    /** moby linux_parser.validMountMode: comma-separated, at most one of each kind. */
    static boolean validMode(String mode) {
        if (mode.isEmpty()) {
            return true;
        }
        int rw = 0;
        int label = 0;
        int propagation = 0;
        int copy = 0;
        int consistency = 0;
        for (String o : mode.split(",", -1)) {
            if (RW_MODES.contains(o)) {
                rw++;
            } else if (LABEL_MODES.contains(o)) {
                label++;
            } else if (PROPAGATION_MODES.contains(o)) {
                propagation++;
            } else if (COPY_MODES.contains(o)) {
                copy++;
            } else if (CONSISTENCY_MODES.contains(o)) {
                consistency++;
            } else {
                return false;
            }
        }
        return rw <= 1 && label <= 1 && propagation <= 1 && copy <= 1 && consistency <= 1;
    }

    private static void checkDestination(String type, String target) {
        if (!target.startsWith("/")) {
            throw mountConfig(type, "invalid mount path: '" + target + "' mount path must be absolute");
        }
        if (clean(target).equals("/")) {
            throw mountConfig(type, "invalid specification: destination can't be '/'");
        }
    }

    static String clean(String path) {
        String p = Path.of(path).normalize().toString();
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private static BerthException invalidSpec(String raw) {
        return BerthException.invalid("invalid volume specification: '%s'", raw);
    }

    private static BerthException mountConfig(String type, String message) {
        return BerthException.invalid("invalid mount config for type \"%s\": %s", type, message);
    }
}
