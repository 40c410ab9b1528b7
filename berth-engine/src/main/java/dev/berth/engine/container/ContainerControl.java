package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/** stop, kill, restart, pause, unpause and resize of running containers. */
public final class ContainerControl {
    private final ContainerStore store;
    private final LiveContainers live;
    private final ContainerWaits waits;
    private final ContainerEvents events;
    private final ContainerRunner runner;
    private final ContainerNetworks networks;

    ContainerControl(
            ContainerStore store,
            LiveContainers live,
            ContainerWaits waits,
            ContainerEvents events,
            ContainerRunner runner,
            ContainerNetworks networks) {
        this.networks = networks;
        this.store = store;
        this.live = live;
        this.waits = waits;
        this.events = events;
        this.runner = runner;
    }

    /**
     * {@code POST /containers/{id}/stop}: the stop signal (StopSignal, else SIGTERM), then SIGKILL
     * after {@code timeoutSeconds} (null: StopTimeout, else 10; negative: wait forever). False when
     * it was not running (Docker's 304).
     */
    public boolean stop(String ref, String signal, Integer timeoutSeconds) {
        Container c = store.resolve(ref);
        if (c.status() == ContainerStatus.RESTARTING) {
            store.update(c.id(), c.state().withStoppedByUser(true).withStatus(ContainerStatus.EXITED));
            events.publish(c, "stop");
            return true;
        }
        Run run = live.run(c.id()).orElse(null);
        if (run == null) {
            return false;
        }
        store.update(c.id(), store.resolve(c.id()).state().withStoppedByUser(true));
        int sig = signal != null && !signal.isEmpty()
                ? Signals.parse(signal)
                : c.config().stopSignal() != null && !c.config().stopSignal().isEmpty()
                        ? Signals.parse(c.config().stopSignal())
                        : Signals.SIGTERM;
        int timeout = timeoutSeconds != null
                ? timeoutSeconds
                : c.config().stopTimeout() != null ? c.config().stopTimeout() : 10;
        CompletableFuture<ContainerWaits.Result> exit = waits.endOf(c.id(), run, live);
        if (c.status() == ContainerStatus.PAUSED) {
            signal(c, run, sig);
            thaw(c, run);
        } else {
            signal(c, run, sig);
        }
        try {
            if (timeout < 0) {
                exit.get();
            } else {
                exit.get(timeout, TimeUnit.SECONDS);
            }
        } catch (TimeoutException e) {
            signal(c, run, Signals.SIGKILL);
            awaitExit(exit);
        } catch (Exception e) {
            awaitExit(exit);
        }
        events.publish(store.byId(c.id()).orElse(c), "stop");
        return true;
    }

    private static void awaitExit(CompletableFuture<ContainerWaits.Result> exit) {
        try {
            exit.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw BerthException.unavailable("container did not exit after SIGKILL within 30 s");
        }
    }

    private void signal(Container c, Run run, int sig) {
        events.publish(c, "kill", Map.of("signal", Integer.toString(sig)));
        run.process().kill(sig);
    }

    private void thaw(Container c, Run run) {
        if (run.process().cgroup() != null) {
            run.process().cgroup().thaw();
        }
        store.update(c.id(), store.resolve(c.id()).state().withStatus(ContainerStatus.RUNNING));
    }

    /** {@code POST /containers/{id}/kill?signal=}: any signal; 409 when not running. */
    public void kill(String ref, String signal) {
        Container c = store.resolve(ref);
        Run run = live.run(c.id()).orElse(null);
        if (run == null || !c.status().isAlive()) {
            throw BerthException.conflict("Cannot kill container: %s: Container %s is not running", ref, c.id());
        }
        int sig = signal == null || signal.isEmpty() ? Signals.SIGKILL : Signals.parse(signal);
        if (sig == Signals.SIGKILL || sig == Signals.SIGTERM) {
            store.update(c.id(), store.resolve(c.id()).state().withStoppedByUser(true));
        }
        CompletableFuture<ContainerWaits.Result> exit = sig == Signals.SIGKILL ? waits.endOf(c.id(), run, live) : null;
        signal(c, run, sig);
        if (c.status() == ContainerStatus.PAUSED && sig == Signals.SIGKILL) {
            thaw(c, run);
        }
        if (exit != null) {
            awaitExit(exit);
        }
    }

    /** {@code POST /containers/{id}/restart}: stop (if running), then start. */
    public void restart(String ref, String signal, Integer timeoutSeconds) {
        Container c = store.resolve(ref);
        stop(c.id(), signal, timeoutSeconds);
        runner.start(c.id());
        events.publish(store.resolve(c.id()), "restart");
    }

    public void pause(String ref) {
        Container c = store.resolve(ref);
        ReentrantLock lock = store.lock(c.id());
        lock.lock();
        try {
            c = store.resolve(c.id());
            Run run = live.run(c.id()).orElse(null);
            if (run == null || c.status() != ContainerStatus.RUNNING) {
                if (c.status() == ContainerStatus.PAUSED) {
                    throw BerthException.conflict("Container %s is already paused", c.id());
                }
                throw BerthException.conflict("Container %s is not running", c.id());
            }
            run.process().cgroup().freeze();
            store.update(c.id(), c.state().withStatus(ContainerStatus.PAUSED));
            events.publish(c, "pause");
        } finally {
            lock.unlock();
        }
    }

    public void unpause(String ref) {
        Container c = store.resolve(ref);
        ReentrantLock lock = store.lock(c.id());
        lock.lock();
        try {
            c = store.resolve(c.id());
            Run run = live.run(c.id()).orElse(null);
            if (run == null || c.status() != ContainerStatus.PAUSED) {
                throw BerthException.conflict("Container %s is not paused", c.id());
            }
            run.process().cgroup().thaw();
            store.update(c.id(), c.state().withStatus(ContainerStatus.RUNNING));
            events.publish(c, "unpause");
        } finally {
            lock.unlock();
        }
    }

    /** {@code POST /containers/{id}/rename?name=}. */
    public void rename(String ref, String newName) {
        Container c = store.resolve(ref);
        Container renamed = store.rename(c.id(), ContainerNames.normalize(newName));
        networks.networking().rename(c.id(), renamed.plainName());
        events.publish(renamed, "rename", Map.of("oldName", c.name()));
    }

    /** {@code POST /containers/{id}/resize?h=&w=}: the pty of a TTY container. */
    public void resize(String ref, int height, int width) {
        Container c = store.resolve(ref);
        Run run = live.run(c.id()).orElse(null);
        if (run == null) {
            throw BerthException.conflict("Container %s is not running", c.id());
        }
        if (c.config().tty() && height > 0 && width > 0) {
            run.process().resize(height, width);
        }
        events.publish(c, "resize", Map.of("height", Integer.toString(height), "width", Integer.toString(width)));
    }
}
