package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AutoRemove ({@code docker run --rm}): a container that ended goes, with its anonymous volumes.
 *
 * <p>When is the question. A client that waits for the removal ({@code wait?condition=removed},
 * as the docker CLI's {@code run --rm} does) has said it is done with the container: it goes at
 * once. Any other client may still be reading what the container left: docker-py's {@code
 * containers.run(auto_remove=True)} asks for the logs and sends its wait after the start, and
 * reads the exit from the wait, so the container must still answer inspect and logs once the
 * wait has returned. dockerd leaves that window by accident (it removes after its unmounts and
 * network teardown); here it is a stated grace. A daemon that stops meanwhile leaves the removal
 * to the next start-up ({@link ContainerRecovery#finishAutoRemoves}), as dockerd's restore does.
 */
final class AutoRemoval {
    private static final Logger LOG = LoggerFactory.getLogger(AutoRemoval.class);

    /** Long enough for a client's next requests after the exit, even on a loaded machine. */
    static final Duration GRACE = Duration.ofSeconds(1);

    private final ContainerWaits waits;
    private final ContainerRemover remover;
    private final ExecService exec;
    private final Set<Thread> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    AutoRemoval(ContainerWaits waits, ContainerRemover remover, ExecService exec) {
        this.waits = waits;
        this.remover = remover;
        this.exec = exec;
    }

    /** The container ended (or its start failed): removed now or after the grace, as above. */
    void afterExit(String id) {
        if (waits.removalAwaited(id)) {
            now(id);
            return;
        }
        Thread later = Thread.ofVirtual()
                .name("autoremove-" + id.substring(0, Math.min(12, id.length())))
                .unstarted(() -> {
                    try {
                        Thread.sleep(GRACE);
                        if (!closed) {
                            now(id);
                        }
                    } catch (InterruptedException e) {
                        // the daemon stops: start-up finishes the removal
                    } finally {
                        pending.remove(Thread.currentThread());
                    }
                });
        pending.add(later);
        later.start();
    }

    /** Removes the container if it still has not run again; fine when it is gone already. */
    void now(String id) {
        exec.forget(id);
        try {
            remover.removeStopped(id, true);
        } catch (BerthException e) {
            // started again during the grace: its next exit removes it
            LOG.debug("container {}: not auto-removed: {}", id, e.getMessage());
        }
    }

    /** Daemon shutdown: the removals still in their grace are left to the next start-up. */
    void close() {
        closed = true;
        pending.forEach(Thread::interrupt);
    }
}
