package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.snapshot.MountSpec;
import dev.berth.core.snapshot.Snapshotter;
import dev.berth.engine.volume.ContainerVolumes;
import dev.berth.runtime.ContainerProcess;
import dev.berth.runtime.ContainerRequest;
import dev.berth.runtime.ContainerRuntime;
import dev.berth.runtime.ExitStatus;
import dev.berth.runtime.spec.Spec;
import dev.berth.runtime.spec.SpecJson;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starting containers and what happens when they exit: spec, stdio, the runtime, the state row
 * and events; on exit the state, the die event, waiters, logs and attach streams ending, restart
 * policies and AutoRemove.
 */
public final class ContainerRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerRunner.class);

    private final ContainerStore store;
    private final LiveContainers live;
    private final ContainerWaits waits;
    private final ContainerEvents events;
    private final Snapshotter snapshots;
    private final Function<String, ContainerRuntime> runtimes;
    private final SpecFactory specs;
    private final ContainerPaths paths;
    private final Function<Container, LayeredFiles> files;
    private final ContainerVolumes volumes;
    private final HealthChecks health;
    private final ContainerNetworks networks;
    private final Clock clock;
    private volatile AutoRemoval autoRemoval;
    private volatile boolean shuttingDown;

    ContainerRunner(
            ContainerStore store,
            LiveContainers live,
            ContainerWaits waits,
            ContainerEvents events,
            Snapshotter snapshots,
            Function<String, ContainerRuntime> runtimes,
            SpecFactory specs,
            ContainerPaths paths,
            Function<Container, LayeredFiles> files,
            ContainerVolumes volumes,
            HealthChecks health,
            ContainerNetworks networks,
            Clock clock) {
        this.store = store;
        this.live = live;
        this.waits = waits;
        this.events = events;
        this.snapshots = snapshots;
        this.runtimes = runtimes;
        this.specs = specs;
        this.paths = paths;
        this.files = files;
        this.volumes = volumes;
        this.health = health;
        this.networks = networks;
        this.clock = clock;
    }

    void onAutoRemove(AutoRemoval autoRemoval) {
        this.autoRemoval = autoRemoval;
    }

    /**
     * {@code POST /containers/{id}/start}. Returns false when it was running already (Docker
     * answers 304). A command that cannot run fails with Docker's message (400) and leaves the
     * container created with exit code 127/126 and the error in its state.
     */
    public boolean start(String ref) {
        Container c = store.resolve(ref);
        ReentrantLock lock = store.lock(c.id());
        lock.lock();
        try {
            c = store.resolve(c.id());
            if (c.status() == ContainerStatus.PAUSED) {
                throw BerthException.conflict("cannot start a paused container, try unpause instead");
            }
            if (c.status() == ContainerStatus.RUNNING) {
                return false;
            }
            if (c.status() == ContainerStatus.REMOVING || c.status() == ContainerStatus.DEAD) {
                throw BerthException.conflict("container is marked for removal and cannot be started");
            }
            if (c.state().stoppedByUser()) {
                c = store.update(c.id(), c.state().withStoppedByUser(false));
            }
            startLocked(c);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void startLocked(Container c) {
        ContainerPaths.ensure(paths.dir(c.id()));
        ContainerPaths.ensure(paths.rootfs(c.id()));
        Sharing sharing;
        try {
            sharing = Sharing.of(c, store, paths);
            if (sharing.ownNetworkSettings()) {
                // addresses, ports and /etc files are recorded before any namespace exists
                networks.networking().lease(networks.sandbox(c));
            }
        } catch (RuntimeException e) {
            recordFailure(c, 128, e.getMessage());
            throw e;
        }
        ContainerIo io = null;
        ContainerProcess process;
        try {
            Sharing.mountShm(c, paths);
            // the spec fails on settings the image cannot meet (an unknown --user or --group-add)
            Spec spec = specs.build(c, files.apply(c), sharing, networks.linkEnv(c));
            SpecJson.write(spec, paths.spec(c.id()));
            // an AutoRemove container's layer goes with its run: nothing need make it durable
            List<MountSpec> mounts = c.hostConfig().autoRemove()
                    ? snapshots.disposableMounts(c.snapshotKey())
                    : snapshots.mounts(c.snapshotKey());
            if (mounts.size() != 1) {
                throw BerthException.internal(
                        "snapshot " + c.snapshotKey() + " needs " + mounts.size() + " mounts", null);
            }
            io = ContainerIo.prepare(
                    paths.runDir(c.id()), "", c.config().openStdin(), c.config().tty());
            ContainerRuntime runtime = runtimes.apply(c.hostConfig().runtime());
            boolean init = Boolean.TRUE.equals(c.hostConfig().init());
            process = runtime.create(new ContainerRequest(
                    c.id(),
                    spec,
                    mounts.getFirst(),
                    io.stdio(),
                    init,
                    paths.runDir(c.id()).resolve("state")));
        } catch (RuntimeException e) {
            if (io != null) {
                io.delete();
            }
            networks.networking().release(c.id());
            Sharing.unmountShm(paths, c.id());
            recordFailure(c, 128, e.getMessage());
            throw e;
        }
        Run run = beginRun(c, process, io);
        try {
            // the namespaces exist and the first process waits: its network, before it runs (a
            // runtime whose create failed has no process: start reports why)
            if (sharing.ownNetwork() && process.pid() > 0) {
                networks.networking().plumb(c.id(), process.pid());
            }
        } catch (RuntimeException e) {
            try {
                process.kill(Signals.SIGKILL); // it never ran: it never will
            } catch (RuntimeException gone) {
                e.addSuppressed(gone);
            }
            failedStart(c, run, process, e);
            throw e;
        }
        try {
            process.start();
        } catch (BerthException e) {
            failedStart(c, run, process, e);
            throw e;
        }
        Container running = store.update(c.id(), c.state().running(process.pid(), process.shimPid(), clock.instant()));
        events.publish(running, "start");
        health.started(running);
        watchExit(c, run);
    }

    /** A run that never got going: its output ends, its network goes, its state records the failure. */
    private void failedStart(Container c, Run run, ContainerProcess process, RuntimeException e) {
        ExitStatus status = awaitExit(process);
        finishRun(c.id(), run);
        networks.networking().release(c.id());
        Sharing.unmountShm(paths, c.id());
        int code = status == null ? 128 : status.exitCode();
        recordFailure(store.resolve(c.id()), code == 0 ? 128 : code, e.getMessage());
    }

    /**
     * Connects a run's process to the container's log and attached clients and registers it (a
     * new run, or one an earlier daemon started). When copying its output cannot begin, nothing is
     * registered and the error goes to the caller.
     */
    private Run beginRun(Container c, ContainerProcess process, ContainerIo io) {
        ContainerLog log = live.log(c);
        AttachHub hub = live.hub(c.id());
        log.beginRun();
        io.onStdinClosed(process::closeStdin);
        try {
            io.startCopying(hub::publish, log, clock);
        } catch (RuntimeException e) {
            io.closeStdin();
            log.endRun();
            throw e;
        }
        hub.runStarted(io.stdin());
        Run run = new Run(process, io);
        live.putRun(c.id(), run);
        return run;
    }

    private void watchExit(Container c, Run run) {
        run.process()
                .exit()
                .thenAcceptAsync(
                        status -> exited(c.id(), run, status),
                        r -> Thread.ofVirtual().name("exit-" + c.shortId()).start(r));
    }

    private static ExitStatus awaitExit(ContainerProcess process) {
        try {
            return process.exit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    /** A start that failed: the state keeps "created" with the exit code and error, as Docker's. */
    private void recordFailure(Container c, int code, String error) {
        ContainerState s = c.state();
        ContainerState failed = new ContainerState(
                ContainerStatus.CREATED,
                0,
                0,
                code,
                error,
                false,
                s.startedAt(),
                s.finishedAt(),
                s.restartCount(),
                s.stoppedByUser());
        if (c.status() == ContainerStatus.EXITED) {
            failed = failed.withStatus(ContainerStatus.EXITED);
        }
        // next-exit waiters keep waiting (the container never ran), as Docker's do
        Container updated = store.update(c.id(), failed);
        if (c.hostConfig().autoRemove()) {
            autoRemoval.afterExit(updated.id());
        }
    }

    /** The end of a run's output (bounded: a stray process cannot hold the exit path forever). */
    private void finishRun(String id, Run run) {
        try {
            run.io().done().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("container {}: output did not end within 5 s after exit", id);
        }
        run.io().delete();
        live.openLog(id).ifPresent(ContainerLog::endRun);
        live.hub(id).runEnded();
        live.removeRun(id, run);
    }

    private void exited(String id, Run run, ExitStatus status) {
        health.stopped(id);
        finishRun(id, run);
        Container c;
        ReentrantLock lock = store.lock(id);
        lock.lock();
        try {
            Container current = store.byId(id).orElse(null);
            if (current == null) {
                return;
            }
            ContainerState s = current.state()
                    .exited(
                            status.exitCode(),
                            status.error() == null ? "" : status.error(),
                            status.oomKilled(),
                            clock.instant());
            c = store.update(id, s);
        } finally {
            lock.unlock();
        }
        try {
            run.process().delete();
        } catch (RuntimeException e) {
            LOG.debug("container {}: runtime cleanup: {}", id, e.getMessage());
        }
        if (status.oomKilled()) {
            events.publish(c, "oom");
        }
        events.publish(c, "die", Map.of("exitCode", Integer.toString(status.exitCode())));
        networks.networking().release(id);
        Sharing.unmountShm(paths, id);
        volumes.unmounted(id);
        waits.exited(id, new ContainerWaits.Result(status.exitCode(), null));
        if (shuttingDown) {
            return;
        }
        if (shouldRestart(c)) {
            restartLater(c);
        } else if (c.hostConfig().autoRemove()) {
            autoRemoval.afterExit(id);
        }
    }

    /** moby restartmanager: the policy, the exit code, the retry count, and whether the user stopped it. */
    static boolean shouldRestart(Container c) {
        HostSettings.RestartPolicy p = c.hostConfig().restartPolicy();
        if (c.state().stoppedByUser()) {
            return false;
        }
        return switch (p.name()) {
            case "always", "unless-stopped" -> true;
            case "on-failure" ->
                c.state().exitCode() != 0
                        && (p.maximumRetryCount() <= 0 || c.state().restartCount() < p.maximumRetryCount());
            default -> false;
        };
    }

    private void restartLater(Container c) {
        int count = c.state().restartCount();
        long ran = c.state().startedAt() == null
                ? 0
                : Duration.between(c.state().startedAt(), clock.instant()).toMillis();
        // Docker's back-off: 100 ms doubling, reset after a run of 10 s or more, at most a minute
        long delay = ran >= 10_000 ? 100 : Math.min(60_000, 100L << Math.min(count, 10));
        store.update(c.id(), c.state().withStatus(ContainerStatus.RESTARTING));
        Thread.ofVirtual().name("restart-" + c.shortId()).start(() -> {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                return;
            }
            ReentrantLock lock = store.lock(c.id());
            lock.lock();
            try {
                Container now = store.byId(c.id()).orElse(null);
                if (now == null
                        || now.status() != ContainerStatus.RESTARTING
                        || now.state().stoppedByUser()) {
                    if (now != null && now.status() == ContainerStatus.RESTARTING) {
                        store.update(now.id(), now.state().withStatus(ContainerStatus.EXITED));
                    }
                    return;
                }
                Container counted = store.update(now.id(), now.state().withRestartCount(count + 1));
                events.publish(counted, "restart");
                startLocked(counted);
            } catch (RuntimeException e) {
                LOG.warn("container {}: restart failed: {}", c.id(), e.getMessage());
            } finally {
                lock.unlock();
            }
        });
    }

    /**
     * Daemon shutdown, as Docker's without live-restore: every running container gets its stop
     * signal, and SIGKILL after {@code timeoutSeconds}; restart policies do not fire meanwhile.
     */
    void shutdown(int timeoutSeconds) {
        shuttingDown = true;
        autoRemoval.close();
        List<java.util.concurrent.CompletableFuture<ExitStatus>> exits = new java.util.ArrayList<>();
        for (Container c : store.all()) {
            live.run(c.id()).ifPresent(run -> {
                try {
                    if (run.process().cgroup() != null && c.status() == ContainerStatus.PAUSED) {
                        run.process().cgroup().thaw();
                    }
                    String stop = c.config().stopSignal();
                    run.process().kill(stop == null || stop.isEmpty() ? Signals.SIGTERM : Signals.parse(stop));
                    exits.add(run.process().exit());
                } catch (RuntimeException e) {
                    LOG.debug("container {}: stop at shutdown: {}", c.id(), e.getMessage());
                }
            });
        }
        try {
            java.util.concurrent.CompletableFuture.allOf(exits.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            for (Container c : store.all()) {
                live.run(c.id()).ifPresent(run -> run.process().kill(Signals.SIGKILL));
            }
            try {
                java.util.concurrent.CompletableFuture.allOf(
                                exits.toArray(java.util.concurrent.CompletableFuture[]::new))
                        .get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // what is left is cleaned up at the next start
            }
        }
        // let the exit handlers record the states
        for (int i = 0;
                i < 50 && store.all().stream().anyMatch(c -> live.run(c.id()).isPresent());
                i++) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Takes over a container that an earlier daemon started and whose supervisor outlived it:
     * its output is read again from the run's fifos into the log and to attached clients, and
     * its exit is handled as any run's. Its row keeps its state (running or paused), pid and start
     * time; no start event, as Docker's live restore.
     */
    void reattach(Container c, ContainerProcess process) {
        Run run = beginRun(
                c,
                process,
                ContainerIo.reopen(paths.runDir(c.id()), "", c.config().tty()));
        if (process.pid() != c.state().pid() || process.shimPid() != c.state().shimPid()) {
            store.update(
                    c.id(),
                    c.state()
                            .running(process.pid(), process.shimPid(), c.state().startedAt())
                            .withStatus(c.status()));
        }
        health.started(store.resolve(c.id()));
        watchExit(c, run);
    }

    /** Logs what the spools of a run that ended while no daemon ran still hold (see {@link OutputSpool#drain}). */
    void drainOutput(Container c) {
        try {
            OutputSpool.drain(paths.runDir(c.id()), live.log(c), clock);
        } catch (RuntimeException e) {
            LOG.warn("container {}: logging the rest of its output: {}", c.id(), e.getMessage());
        }
    }

    /** Starts a container at daemon start-up (restart policy always, unless-stopped). */
    void startAtBoot(Container c) {
        ReentrantLock lock = store.lock(c.id());
        lock.lock();
        try {
            startLocked(store.resolve(c.id()));
        } catch (RuntimeException e) {
            LOG.warn("container {}: start at daemon start failed: {}", c.id(), e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    static boolean isExecFailure(BerthException e) {
        return e.kind() == ErrorKind.INVALID_ARGUMENT;
    }

    Instant now() {
        return clock.instant();
    }
}
