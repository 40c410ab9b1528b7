package dev.berth.engine.container;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * A container's State.Health, as moby's handleProbeResult keeps it: the status, the failing
 * streak (failures in the start period do not count while the container has not yet been
 * healthy) and the last five probe results with their output.
 */
public final class Health {
    /** moby's maxLogEntries. */
    private static final int KEPT_RESULTS = 5;

    public enum Status {
        STARTING,
        HEALTHY,
        UNHEALTHY;

        /** Docker's word: starting, healthy, unhealthy. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One probe: when it ran, its exit code (-1: it timed out or could not run) and output. */
    public record Result(Instant start, Instant end, int exitCode, String output) {}

    /** What inspect shows at one moment. */
    public record Snapshot(Status status, int failingStreak, List<Result> log) {}

    private Status status = Status.STARTING;
    private int failingStreak;
    private final Deque<Result> log = new ArrayDeque<>();

    /**
     * Records a probe's result; returns the new status when it changed (a health_status event),
     * else null.
     *
     * @param inStartPeriod the probe began within the container's start period
     */
    synchronized Status record(Result result, int retries, boolean inStartPeriod) {
        log.addLast(result);
        while (log.size() > KEPT_RESULTS) {
            log.removeFirst();
        }
        Status before = status;
        if (result.exitCode() == 0) {
            failingStreak = 0;
            status = Status.HEALTHY;
        } else if (!(status == Status.STARTING && inStartPeriod)) {
            failingStreak++;
            if (failingStreak >= retries) {
                status = Status.UNHEALTHY;
            }
        }
        return status == before ? null : status;
    }

    synchronized Status status() {
        return status;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(status, failingStreak, List.copyOf(log));
    }
}
