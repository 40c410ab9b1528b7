package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import java.util.concurrent.CompletableFuture;

/** {@code POST /containers/{id}/wait?condition=not-running|next-exit|removed}. */
public final class ContainerWaiter {
    private final ContainerStore store;
    private final ContainerWaits waits;

    ContainerWaiter(ContainerStore store, ContainerWaits waits) {
        this.store = store;
        this.waits = waits;
    }

    /**
     * Registers the wait now (so that a start right after cannot be missed) and returns what
     * completes with the result.
     */
    public CompletableFuture<ContainerWaits.Result> register(String ref, String condition) {
        Container c = store.resolve(ref);
        String cond = condition == null || condition.isEmpty() ? "not-running" : condition;
        return switch (cond) {
            case "next-exit" -> waits.nextExit(c.id());
            case "removed" -> {
                CompletableFuture<ContainerWaits.Result> removal = waits.removal(c.id());
                // removed between the lookup and the registration: nothing will complete it
                yield store.byId(c.id()).isPresent()
                        ? removal
                        : CompletableFuture.completedFuture(
                                new ContainerWaits.Result(c.state().exitCode(), null));
            }
            case "not-running" -> {
                CompletableFuture<ContainerWaits.Result> next = waits.nextExit(c.id());
                Container now = store.resolve(c.id());
                if (!now.status().isAlive()) {
                    yield CompletableFuture.completedFuture(
                            new ContainerWaits.Result(now.state().exitCode(), null));
                }
                yield next;
            }
            default -> throw BerthException.invalid("invalid condition: \"%s\"", cond);
        };
    }
}
