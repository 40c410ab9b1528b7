package dev.berth.engine.container;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The health checks of running containers, as moby's health monitor: a virtual thread per
 * container with a Healthcheck probes it through exec every Interval (StartInterval while the
 * start period lasts and it has not been healthy), keeps the results in its {@link Health} and
 * publishes {@code health_status: …} when the status changes. The health of a container that
 * stopped stays as it was until it starts again.
 */
public final class HealthChecks {
    private final ExecService exec;
    private final ContainerStore store;
    private final ContainerEvents events;
    private final Clock clock;
    private final Map<String, Health> health = new ConcurrentHashMap<>();
    private final Map<String, Thread> monitors = new ConcurrentHashMap<>();

    HealthChecks(ExecService exec, ContainerStore store, ContainerEvents events, Clock clock) {
        this.exec = exec;
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    /** A run began: the health starts over (starting) and the probes begin. */
    void started(Container c) {
        HealthConfig config = c.config().healthcheck();
        if (config == null || !config.enabled()) {
            return;
        }
        Health h = new Health();
        health.put(c.id(), h);
        Thread previous = monitors.put(
                c.id(), Thread.ofVirtual().name("health-" + c.shortId()).start(() -> monitor(c, config, h)));
        if (previous != null) {
            previous.interrupt();
        }
    }

    /** The run ended: no more probes. */
    void stopped(String id) {
        Thread t = monitors.remove(id);
        if (t != null) {
            t.interrupt();
        }
    }

    /** The container is gone. */
    void forget(String id) {
        stopped(id);
        health.remove(id);
    }

    /** State.Health, for a container with a Healthcheck that has run. */
    public Optional<Health.Snapshot> of(String id) {
        return Optional.ofNullable(health.get(id)).map(Health::snapshot);
    }

    private void monitor(Container c, HealthConfig config, Health h) {
        Instant startedAt =
                store.byId(c.id()).map(now -> now.state().startedAt()).orElse(clock.instant());
        Instant startPeriodEnd = startedAt.plus(config.startPeriodDuration());
        try {
            while (!Thread.currentThread().isInterrupted()) {
                boolean starting =
                        h.status() == Health.Status.STARTING && clock.instant().isBefore(startPeriodEnd);
                Duration wait = starting ? config.startIntervalOrDefault() : config.intervalOrDefault();
                Thread.sleep(wait);
                Container now = store.byId(c.id()).orElse(null);
                if (now == null) {
                    return;
                }
                if (now.status() != ContainerStatus.RUNNING) {
                    continue; // paused: no probe, as moby's
                }
                Instant begin = clock.instant();
                Health.Result result = exec.probe(now, config.command(), config.timeoutOrDefault());
                if (Thread.currentThread().isInterrupted()) {
                    return; // stopped meanwhile: the probe's failure is the stop's, not the check's
                }
                Health.Status changed = h.record(result, config.retriesOrDefault(), begin.isBefore(startPeriodEnd));
                if (changed != null) {
                    events.publish(now, "health_status: " + changed.word());
                }
            }
        } catch (InterruptedException e) {
            // the container stopped
        }
    }
}
