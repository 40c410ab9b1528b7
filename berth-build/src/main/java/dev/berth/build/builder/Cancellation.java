package dev.berth.build.builder;

import dev.berth.core.error.BerthException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A build's cancellation: its client went away, asked {@code POST /build/cancel}, or a stage
 * failed and the stages running beside it must stop. Steps check it between actions and register
 * what stops them mid-way (a RUN kills its container).
 */
final class Cancellation {
    private final List<Runnable> hooks = new CopyOnWriteArrayList<>();
    private volatile boolean cancelled;

    boolean isCancelled() {
        return cancelled;
    }

    /** Throws dockerd's "Build cancelled" once cancelled. */
    void check() {
        if (cancelled) {
            throw BerthException.unavailable("Build cancelled");
        }
    }

    void cancel() {
        cancelled = true;
        for (Runnable hook : hooks) {
            try {
                hook.run();
            } catch (RuntimeException ignored) {
                // the step's own clean-up reports what matters
            }
        }
    }

    /** Runs {@code hook} on cancel (at once when already cancelled) until the returned handle is closed. */
    AutoCloseable onCancel(Runnable hook) {
        hooks.add(hook);
        if (cancelled) {
            hook.run();
        }
        return () -> hooks.remove(hook);
    }
}
