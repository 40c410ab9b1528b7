package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /containers/{id}/attach}: replays the log (logs=1), then streams the current or next
 * run's output (stream=1) and feeds the client's input to the container's stdin; with StdinOnce
 * the container's stdin closes when the client's does.
 */
public final class ContainerAttach {
    private final ContainerStore store;
    private final LiveContainers live;
    private final ContainerEvents events;

    ContainerAttach(ContainerStore store, LiveContainers live, ContainerEvents events) {
        this.store = store;
        this.live = live;
        this.events = events;
    }

    /** @param detachKeys the keys that detach from a TTY container ("": ctrl-p,ctrl-q) */
    public record Options(
            boolean stdin, boolean stdout, boolean stderr, boolean stream, boolean logs, String detachKeys) {}

    /** The client's side of an attach. */
    public interface Client {
        InputStream input();

        void write(String stream, byte[] bytes) throws IOException;

        boolean isOpen();
    }

    /**
     * Checks before the connection is taken over. A stopped container may be attached to, as
     * dockerd allows: the stream then carries its next run, which is how the CLI runs
     * {@code docker start -a} (attach, then start).
     */
    public Container check(String ref, Options o) {
        DetachKeys.parse(o.detachKeys(), "detach");
        Container c = store.resolve(ref);
        if (o.stream() && c.status() == ContainerStatus.PAUSED) {
            throw BerthException.conflict("container %s is paused, unpause the container before attach", ref);
        }
        if (o.stream() && c.status() == ContainerStatus.RESTARTING) {
            throw BerthException.conflict("container %s is restarting, wait until the container is running", ref);
        }
        return c;
    }

    /**
     * Subscribes to the container's output now (its current run, or its next one when it does
     * not run), buffering it until {@link Session#stream} runs. Call it before the connection is
     * upgraded: {@code docker run} starts the container as soon as it reads the 101, and a
     * container that prints and exits at once would otherwise have finished before anyone listened.
     */
    public Session open(Container c, Options o) {
        // the log first, then the subscription, as Docker: a chunk reaches attached clients before
        // its line reaches the log, so nothing is seen twice
        Session session = new Session(c, o, o.logs() ? live.log(c).readAll() : java.util.List.of());
        if (o.stream()) {
            session.subscribe(live.hub(c.id()));
            session.subscribedTo = store.resolve(c.id());
        }
        return session;
    }

    /** Opens and streams at once, for callers that own no connection upgrade. */
    public void attach(Container c, Options o, Client client) throws IOException {
        try (Session session = open(c, o)) {
            session.stream(client);
        }
    }

    /**
     * One attach: subscribed (for stream=1) when made; {@link #stream} replays the log (logs=1),
     * then copies the buffered and further output to the client until the run ends or the client
     * goes away. Closing it unsubscribes.
     */
    public final class Session implements AutoCloseable {
        /** An attach whose connection never came (the upgrade failed) stops buffering after this. */
        private static final long UNCLAIMED_NANOS = TimeUnit.SECONDS.toNanos(60);

        private final Container container;
        private final Options options;
        private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private final Object end = new Object();
        private final long created = System.nanoTime();
        private volatile boolean claimed;
        private volatile Runnable unsubscribe;
        private AttachHub hub;
        private final java.util.List<LogEntry> replay;
        private Container subscribedTo;

        private Session(Container container, Options options, java.util.List<LogEntry> replay) {
            this.container = container;
            this.options = options;
            this.replay = replay;
        }

        private void subscribe(AttachHub hub) {
            this.hub = hub;
            this.unsubscribe = hub.subscribe(new OutputListener() {
                @Override
                public void output(String stream, byte[] chunk) {
                    if (!claimed && System.nanoTime() - created > UNCLAIMED_NANOS) {
                        close();
                        return;
                    }
                    queue.add(new Object[] {stream, chunk});
                }

                @Override
                public void ended() {
                    queue.add(end);
                }
            });
        }

        public void stream(Client client) throws IOException {
            claimed = true;
            Options o = options;
            for (LogEntry e : replay) {
                if (e.isStderr() ? o.stderr() : o.stdout()) {
                    client.write(e.stream(), e.line());
                }
            }
            if (subscribedTo == null) {
                return;
            }
            events.publish(subscribedTo, "attach");
            Thread stdinCopier = null;
            if (o.stdin() && subscribedTo.config().openStdin()) {
                // as moby's CopyStreams: the detach keys are watched for on a terminal only, and
                // only a client without one closes the container's stdin (StdinOnce) as it leaves
                boolean tty = subscribedTo.config().tty();
                boolean once = subscribedTo.config().stdinOnce() && !tty;
                DetachKeys.Scanner keys =
                        tty ? DetachKeys.parse(o.detachKeys(), "detach").scanner() : null;
                Container attached = subscribedTo;
                stdinCopier = Thread.ofVirtual()
                        .name("attach-stdin-" + container.shortId())
                        .start(() -> {
                            if (!copyStdin(hub, client, once, keys)) {
                                events.publish(attached, "detach");
                                queue.add(end);
                            }
                        });
            }
            try {
                while (client.isOpen()) {
                    Object next;
                    try {
                        next = queue.poll(500, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    if (next == end) {
                        return;
                    }
                    if (next instanceof Object[] item) {
                        String stream = (String) item[0];
                        if ("stderr".equals(stream) ? o.stderr() : o.stdout()) {
                            client.write(stream, (byte[]) item[1]);
                        }
                    }
                }
            } finally {
                if (stdinCopier != null) {
                    stdinCopier.interrupt();
                }
            }
        }

        @Override
        public void close() {
            Runnable u = unsubscribe;
            if (u != null) {
                u.run();
            }
            subscribedTo = null;
            queue.clear();
        }
    }

    /**
     * Copies the client's input to the container's stdin until either ends, then closes that stdin
     * when {@code once}; false when the client detached ({@code keys}, on a terminal), which
     * leaves the container's stdin open.
     */
    private static boolean copyStdin(AttachHub hub, Client client, boolean once, DetachKeys.Scanner keys) {
        OutputStream stdin;
        try {
            stdin = hub.stdin().get();
        } catch (Exception e) {
            return true;
        }
        try {
            if (!DetachKeys.copy(client.input(), stdin, keys)) {
                return false;
            }
        } catch (IOException e) {
            // the client or the container went away
        }
        if (once) {
            AttachHub.closeQuietly(stdin);
        }
        return true;
    }
}
