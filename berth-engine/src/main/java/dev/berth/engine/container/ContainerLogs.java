package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** {@code GET /containers/{id}/logs}: the stored lines, filtered, then (with follow) new ones until the container stops. */
public final class ContainerLogs {
    private final ContainerStore store;
    private final LiveContainers live;

    ContainerLogs(ContainerStore store, LiveContainers live) {
        this.store = store;
        this.live = live;
    }

    /**
     * @param tail  the last N entries only; negative for all
     * @param since entries at or after (null: from the start); until: before (null: no end)
     */
    public record Options(boolean stdout, boolean stderr, boolean follow, Instant since, Instant until, int tail) {}

    /** Where entries go; throws when the client is gone. */
    public interface Sink {
        void write(LogEntry entry) throws IOException;
    }

    /** Checks the request before any byte is sent (so failures are proper error responses). */
    public Container check(String ref, Options o) {
        if (!o.stdout() && !o.stderr()) {
            throw BerthException.invalid("Bad parameters: you must choose at least one stream");
        }
        Container c = store.resolve(ref);
        if (!live.log(c).readable()) {
            throw BerthException.notImplemented("configured logging driver does not support reading");
        }
        return c;
    }

    public void read(Container c, Options o, Sink sink, BooleanSupplier clientOpen) throws IOException {
        ContainerLog log = live.log(c);
        // the last tail entries only are held, however long the log (rotated files included)
        Deque<LogEntry> selected = new ArrayDeque<>();
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        Object end = new Object();
        boolean follow = o.follow() && (o.until() == null || o.until().isAfter(Instant.now()));
        Runnable unsubscribe = log.read(
                e -> {
                    if (o.tail() != 0 && wanted(e, o)) {
                        if (o.tail() > 0 && selected.size() == o.tail()) {
                            selected.removeFirst();
                        }
                        selected.addLast(e);
                    }
                },
                follow,
                new ContainerLog.Follower() {
                    @Override
                    public void accept(LogEntry entry) {
                        queue.add(entry);
                    }

                    @Override
                    public void ended() {
                        queue.add(end);
                    }
                });
        try {
            for (LogEntry e : selected) {
                sink.write(e);
            }
            if (unsubscribe == null) {
                return;
            }
            while (clientOpen.getAsBoolean()) {
                Object next;
                try {
                    next = queue.poll(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (next == end) {
                    return;
                }
                if (next instanceof LogEntry e) {
                    if (o.until() != null && !e.time().isBefore(o.until())) {
                        return;
                    }
                    if (wanted(e, o)) {
                        sink.write(e);
                    }
                } else if (o.until() != null && !Instant.now().isBefore(o.until())) {
                    return;
                }
            }
        } finally {
            if (unsubscribe != null) {
                unsubscribe.run();
            }
        }
    }

    private static boolean wanted(LogEntry e, Options o) {
        if (e.isStderr() ? !o.stderr() : !o.stdout()) {
            return false;
        }
        if (o.since() != null && e.time().isBefore(o.since())) {
            return false;
        }
        return o.until() == null || e.time().isBefore(o.until());
    }
}
