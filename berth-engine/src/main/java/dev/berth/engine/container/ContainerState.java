package dev.berth.engine.container;

import java.time.Instant;

/**
 * The state part of a container: what runs, how it ended. Times are null until they happen
 * (Docker shows 0001-01-01T00:00:00Z). {@code stoppedByUser} remembers an explicit stop, which
 * the restart policies unless-stopped and always honour.
 */
public record ContainerState(
        ContainerStatus status,
        long pid,
        long shimPid,
        int exitCode,
        String error,
        boolean oomKilled,
        Instant startedAt,
        Instant finishedAt,
        int restartCount,
        boolean stoppedByUser) {

    public ContainerState {
        error = error == null ? "" : error;
    }

    public static ContainerState created() {
        return new ContainerState(ContainerStatus.CREATED, 0, 0, 0, "", false, null, null, 0, false);
    }

    public ContainerState running(long pid, long shimPid, Instant at) {
        return new ContainerState(
                ContainerStatus.RUNNING, pid, shimPid, 0, "", false, at, finishedAt, restartCount, false);
    }

    public ContainerState exited(int code, String why, boolean oom, Instant at) {
        return new ContainerState(
                ContainerStatus.EXITED, 0, 0, code, why, oom, startedAt, at, restartCount, stoppedByUser);
    }

    public ContainerState withStatus(ContainerStatus value) {
        return new ContainerState(
                value, pid, shimPid, exitCode, error, oomKilled, startedAt, finishedAt, restartCount, stoppedByUser);
    }

    public ContainerState withStoppedByUser(boolean value) {
        return new ContainerState(
                status, pid, shimPid, exitCode, error, oomKilled, startedAt, finishedAt, restartCount, value);
    }

    public ContainerState withRestartCount(int value) {
        return new ContainerState(
                status, pid, shimPid, exitCode, error, oomKilled, startedAt, finishedAt, value, stoppedByUser);
    }

    public ContainerState withError(String value) {
        return new ContainerState(
                status, pid, shimPid, exitCode, value, oomKilled, startedAt, finishedAt, restartCount, stoppedByUser);
    }
}
