package dev.berth.engine.volume;

import dev.berth.core.error.BerthException;
import dev.berth.core.io.Trees;
import dev.berth.core.layer.ScopedPath;
import dev.berth.runtime.spec.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volumes side of a container's life: at create its mount points are stored (volumes made as
 * needed, new empty ones filled from the image), at start they become spec mounts (with mount
 * events), at exit unmount events, and at removal they are released ({@code rm -v}: its anonymous
 * volumes go too, unless another container uses them).
 */
public final class ContainerVolumes {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerVolumes.class);

    private final VolumeService volumes;

    public ContainerVolumes(VolumeService volumes) {
        this.volumes = volumes;
    }

    /**
     * The image's files of a container being created: mounts them at an empty directory and
     * returns how to unmount them. Asked only when a volume is to be filled.
     */
    @FunctionalInterface
    public interface ImageRoot {
        AutoCloseable mountAt(Path dir) throws Exception;
    }

    /**
     * Stores the mount points of new container {@code containerId} (before its own row: a crash
     * in between leaves rows the start-up check removes), making the volumes they need and
     * copying the image's files into new empty ones. On failure nothing of it stays but named
     * volumes it made (as Docker's).
     */
    public List<MountPoint> attach(String containerId, List<MountPlanner.Planned> plan, ImageRoot image) {
        List<MountPoint> points = new ArrayList<>();
        List<MountPoint> toFill = new ArrayList<>();
        try {
            for (MountPlanner.Planned p : plan) {
                MountPoint m = p.point();
                if (!m.isVolume()) {
                    volumes.write(dao -> {
                        dao.insertMount(containerId, m);
                        return null;
                    });
                    points.add(m);
                    continue;
                }
                boolean anonymous = m.volumeName() == null;
                String name = anonymous ? VolumeNames.random() : m.volumeName();
                MountPoint named = new MountPoint(
                        m.type(), name, "", m.destination(), m.mode(), m.rw(), m.propagation(), m.named());
                ReentrantLock lock = volumes.lock(name);
                lock.lock();
                try {
                    Map<String, String> labels = new LinkedHashMap<>(p.labels());
                    if (anonymous) {
                        labels.put(Volume.ANONYMOUS_LABEL, "");
                    }
                    volumes.ensure(name, anonymous, labels, p.options());
                    volumes.write(dao -> {
                        dao.insertMount(containerId, named);
                        return null;
                    });
                } finally {
                    lock.unlock();
                }
                points.add(named);
                if (p.copyData()) {
                    toFill.add(named);
                }
            }
            fill(toFill, image);
            return points;
        } catch (RuntimeException e) {
            try {
                detach(containerId, true);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** The container's mount points (other than its host-path Binds), by destination. */
    public List<MountPoint> mountsOf(String containerId) {
        return volumes.read(dao -> dao.mounts(containerId));
    }

    /** {@link #mountsOf} of every container that has mount points, by container ID, in one read: for `docker ps`. */
    public Map<String, List<MountPoint>> mountsByContainer() {
        return volumes.read(VolumeDao::mountsByContainer);
    }

    /** The volume's files on the host (its mountpoint); for inspect's {@code Source}. */
    public Path source(MountPoint m) {
        return m.isVolume() ? volumes.mountpoint(m.volumeName()) : Path.of(m.source());
    }

    /**
     * The spec mounts of a container about to start: volumes (their devices mounted first when
     * they have driver options), binds and tmpfs of its mount points; publishes a mount event per volume.
     */
    public List<Mount> specMounts(String containerId) {
        List<Mount> out = new ArrayList<>();
        for (MountPoint m : mountsOf(containerId)) {
            if (!m.isVolume()) {
                out.add(specMount(m));
            } else {
                Volume v = activated(m);
                out.add(volumeMount(m, v));
                Map<String, String> a = new LinkedHashMap<>();
                a.put("container", containerId);
                a.put("destination", m.destination());
                a.put("driver", v.driver());
                a.put("propagation", m.propagation());
                a.put("read/write", Boolean.toString(m.rw()));
                volumes.publish("mount", m.volumeName(), a);
            }
        }
        return out;
    }

    /**
     * The volumes and binds of a stopped container, as bind mounts onto their destinations, for
     * {@code docker cp} (its tmpfs mounts hold nothing while it is stopped). No events.
     */
    public List<Mount> filesMounts(String containerId) {
        return mountsOf(containerId).stream()
                .filter(m -> !m.type().equals(MountPoint.TMPFS))
                .map(this::specMount)
                .toList();
    }

    private Mount specMount(MountPoint m) {
        return switch (m.type()) {
            case MountPoint.TMPFS -> {
                List<String> options = new ArrayList<>(List.of("nosuid", "noexec", "nodev"));
                if (!m.source().isEmpty()) {
                    options.addAll(List.of(m.source().split(",")));
                }
                yield Mount.tmpfs(m.destination(), options);
            }
            case MountPoint.VOLUME -> volumeMount(m, activated(m));
            default ->
                new Mount(
                        m.destination(),
                        "bind",
                        m.source(),
                        List.of(
                                "rbind",
                                m.rw() ? "rw" : "ro",
                                m.propagation().isEmpty() ? "rprivate" : m.propagation()));
        };
    }

    /** The mount point's volume, its device mounted first when it has driver options. */
    private Volume activated(MountPoint m) {
        Volume v = volumes.read(dao -> dao.get(m.volumeName()))
                .orElseThrow(() -> VolumeService.noSuch("get", m.volumeName()));
        volumes.activate(v);
        return v;
    }

    private static Mount volumeMount(MountPoint m, Volume v) {
        return new Mount(
                m.destination(), "bind", v.mountpoint().toString(), List.of("rbind", m.rw() ? "rw" : "ro", "rprivate"));
    }

    /** A container stopped: an unmount event per volume, as Docker's. */
    public void unmounted(String containerId) {
        for (MountPoint m : mountsOf(containerId)) {
            if (m.isVolume()) {
                volumes.publish("unmount", m.volumeName(), Map.of("container", containerId, "driver", "local"));
            }
        }
    }

    /**
     * Releases a removed container's mount points; with {@code removeAnonymous} ({@code rm -v},
     * AutoRemove) its volumes that were not named by the user go too, unless another container uses them.
     */
    public void detach(String containerId, boolean removeAnonymous) {
        List<MountPoint> points = volumes.write(dao -> {
            List<MountPoint> mine = dao.mounts(containerId);
            dao.deleteMounts(containerId);
            return mine;
        });
        if (!removeAnonymous) {
            return;
        }
        for (MountPoint m : points) {
            if (m.isVolume() && !m.named()) {
                try {
                    volumes.remove(m.volumeName(), true);
                } catch (BerthException e) {
                    // in use by another container (--volumes-from): not an error, as Docker's
                    LOG.debug("container {}: keeping volume {}: {}", containerId, m.volumeName(), e.getMessage());
                }
            }
        }
    }

    /** Copy-up: each new, empty volume gets the image's files at its destination, with their owners and modes. */
    private void fill(List<MountPoint> points, ImageRoot image) {
        List<MountPoint> empty = new ArrayList<>();
        for (MountPoint m : points) {
            Volume v = volumes.inspect(m.volumeName());
            volumes.activate(v);
            if (isEmpty(v.mountpoint())) {
                empty.add(m);
            }
        }
        if (empty.isEmpty()) {
            return;
        }
        Path dir = volumes.root().resolve(".copy-" + VolumeNames.random().substring(0, 16));
        try {
            Files.createDirectories(dir);
            try (AutoCloseable mounted = image.mountAt(dir)) {
                for (MountPoint m : empty) {
                    Path from = ScopedPath.resolve(dir, m.destination()).orElse(null);
                    if (from == null || !Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
                        continue;
                    }
                    ReentrantLock lock = volumes.lock(m.volumeName());
                    lock.lock();
                    try {
                        Path to = volumes.mountpoint(m.volumeName());
                        if (isEmpty(to)) {
                            Trees.copy(from, to);
                        }
                    } finally {
                        lock.unlock();
                    }
                }
            }
        } catch (BerthException e) {
            throw e;
        } catch (Exception e) {
            throw BerthException.unavailable("copying the image's files into volumes: %s", e.getMessage());
        } finally {
            if (!VolumeService.deleteTreeSafely(dir)) {
                LOG.error("{} still holds a mount after copy-up", dir);
            }
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw BerthException.unavailable("cannot read volume directory %s: %s", dir, e.getMessage());
        }
    }
}
