package dev.berth.engine.container;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code POST /containers/{id}/wait}: futures that complete at a container's next exit or at its
 * removal, with Docker's result (exit code and the error, if any).
 */
public final class ContainerWaits {
    /** The wait result: StatusCode and Error.Message (null when none). */
    public record Result(int statusCode, String error) {}

    private final Map<String, List<CompletableFuture<Result>>> exits = new ConcurrentHashMap<>();
    private final Map<String, List<CompletableFuture<Result>>> removals = new ConcurrentHashMap<>();

    CompletableFuture<Result> nextExit(String id) {
        CompletableFuture<Result> f = new CompletableFuture<>();
        exits.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(f);
        return f;
    }

    /**
     * The end of {@code run}, for stop, kill and rm: registered, then checked against the live
     * run, so a run whose exit was handled just before is not waited for in vain.
     */
    CompletableFuture<Result> endOf(String id, Run run, LiveContainers live) {
        CompletableFuture<Result> f = nextExit(id);
        if (live.run(id).orElse(null) != run) {
            f.complete(null);
        }
        return f;
    }

    CompletableFuture<Result> removal(String id) {
        CompletableFuture<Result> f = new CompletableFuture<>();
        removals.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(f);
        return f;
    }

    /** Whether a client waits for the container's removal ({@code condition=removed}). */
    boolean removalAwaited(String id) {
        List<CompletableFuture<Result>> list = removals.get(id);
        return list != null && list.stream().anyMatch(f -> !f.isDone());
    }

    void exited(String id, Result result) {
        List<CompletableFuture<Result>> list = exits.remove(id);
        if (list != null) {
            list.forEach(f -> f.complete(result));
        }
    }

    void removed(String id, Result result) {
        exited(id, result);
        List<CompletableFuture<Result>> list = removals.remove(id);
        if (list != null) {
            list.forEach(f -> f.complete(result));
        }
    }
}
