package dev.berth.engine.container;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.image.ContainerConfig;
import dev.berth.core.image.History;
import dev.berth.core.image.ImageConfig;
import dev.berth.core.image.Raw;
import dev.berth.core.image.RootFs;
import dev.berth.core.metadata.ImageRow;
import dev.berth.core.reference.ImageReference;
import dev.berth.engine.image.ConfigChanges;
import dev.berth.engine.image.ImageEvents;
import dev.berth.engine.image.ImageStore;
import dev.berth.engine.image.LayerBlob;
import dev.berth.engine.image.LayerStore;
import dev.berth.engine.image.Leases;
import dev.berth.engine.image.ProgressListener;
import dev.berth.engine.image.TagService;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /commit}: the container's writable layer becomes one more layer on top of its
 * image's (shared, never copied: two commits of one parent are siblings over the same layers).
 * The layer tar is stored uncompressed (its digest is its diff ID, as Docker's commits), the
 * config is the parent's with the container's config, the changes, and one more history entry.
 */
public final class ContainerCommitter {
    /** How long a freeze that failed waits for the exit that explains it. */
    private static final long EXIT_SECONDS = 5;

    private final ContainerStore store;
    private final ImageStore images;
    private final LayerStore layers;
    private final Leases leases;
    private final ImageEvents events;
    private final TagService tags;
    private final LiveContainers live;
    private final Clock clock;

    ContainerCommitter(
            ContainerStore store,
            ImageStore images,
            LayerStore layers,
            Leases leases,
            ImageEvents events,
            TagService tags,
            LiveContainers live,
            Clock clock) {
        this.store = store;
        this.images = images;
        this.layers = layers;
        this.leases = leases;
        this.events = events;
        this.tags = tags;
        this.live = live;
        this.clock = clock;
    }

    public record Request(
            String container,
            String repo,
            String tag,
            String author,
            String comment,
            List<String> changes,
            boolean pause,
            ContainerSettings config) {}

    public Digest commit(Request r) {
        Container c = store.resolve(r.container());
        ImageReference ref = r.repo() == null || r.repo().isEmpty() ? null : TagService.repoTag(r.repo(), r.tag());
        Raw<ImageConfig> parentRaw = images.config(c.imageId());
        ImageConfig parent = parentRaw.value();
        ContainerConfig base = toImageConfig(
                r.config() != null ? r.config().withImageDefaults(toImageConfig(c.config())) : c.config());
        ContainerConfig merged = ConfigChanges.apply(base, r.changes() == null ? List.of() : r.changes());
        Digest parentChain = images.row(c.imageId()).map(ImageRow::topChainId).orElse(null);
        Run run = live.run(c.id()).orElse(null);
        boolean frozen = r.pause()
                && run != null
                && c.status() == ContainerStatus.RUNNING
                && run.process().cgroup() != null
                && freeze(run);
        Leases.Lease lease = leases.acquire(List.of());
        try {
            LayerStore.Committed layer;
            try {
                layer = layers.commitCopy(c.snapshotKey(), parentChain, lease);
            } finally {
                if (frozen) {
                    thaw(run);
                }
            }
            return finish(r, c, ref, parent, merged, layer.blob());
        } finally {
            lease.close();
        }
    }

    private Digest finish(
            Request r, Container c, ImageReference ref, ImageConfig parent, ContainerConfig merged, LayerBlob blob) {
        String created = clock.instant().toString();
        List<Digest> diffIds = new ArrayList<>(parent.diffIds());
        diffIds.add(blob.digest());
        List<History> history = new ArrayList<>(parent.history());
        List<String> cmd = new ArrayList<>();
        cmd.add(c.path());
        cmd.addAll(c.args());
        history.add(
                new History(created, emptyToNull(r.author()), String.join(" ", cmd), emptyToNull(r.comment()), false));
        ImageConfig config = new ImageConfig(
                parent.architecture(),
                parent.variant(),
                parent.os(),
                parent.osVersion(),
                emptyToNull(r.author()),
                emptyToNull(r.comment()),
                created,
                null,
                c.imageId(),
                c.id(),
                merged,
                RootFs.layers(diffIds),
                history);
        Raw<ImageConfig> raw = Raw.of(config);
        List<LayerBlob> blobs = new ArrayList<>(images.layerBlobs(c.imageId()));
        blobs.add(blob);
        Digest id = images.add(raw, blobs, List.of(), c.imageId(), ProgressListener.NONE)
                .id();
        if (ref != null) {
            tags.tag(id, ref);
        }
        events.publish("commit", id, ref == null ? id.toString() : ref.familiarString(), merged.labels());
        return id;
    }

    /**
     * Pauses a running container for the copy. A container that is exiting loses its cgroup under
     * the freeze (a 400 "cannot write FROZEN" before) and has nothing left to pause: when its exit
     * follows the failure, false, and the copy goes on unpaused.
     */
    private static boolean freeze(Run run) {
        try {
            run.process().cgroup().freeze();
            return true;
        } catch (BerthException e) {
            if (exits(run)) {
                return false;
            }
            throw e;
        }
    }

    /** Thaws after the copy; a container that exited meanwhile has nothing to thaw. */
    private static void thaw(Run run) {
        try {
            run.process().cgroup().thaw();
        } catch (BerthException e) {
            if (!exits(run)) {
                throw e;
            }
        }
    }

    /** Whether the run ends within moments (its cgroup went away because it exited). */
    private static boolean exits(Run run) {
        try {
            run.process().exit().get(EXIT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** The container's Config as an image's config (the parts an image keeps). */
    static ContainerConfig toImageConfig(ContainerSettings s) {
        return new ContainerConfig(
                s.user().isEmpty() ? null : s.user(),
                s.exposedPorts(),
                s.env(),
                s.entrypoint(),
                s.cmd(),
                s.volumes(),
                s.workingDir().isEmpty() ? null : s.workingDir(),
                s.labels().isEmpty() ? null : s.labels(),
                s.stopSignal(),
                false,
                s.healthcheck() == null ? null : s.healthcheck().toImage(),
                null,
                null);
    }
}
