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

    public record Options(boolean stdin, boolean stdout, boolean stderr, boolean stream, boolean logs) {
    }

    /** The client's side of an attach. */
    public interface Client {
        InputStream input();

        void write(String stream, byte[] bytes) throws IOException;

        boolean isOpen();
    }

    /** Checks before the connection is taken over: 409 for a container that has exited (stream only). */
    public Container check(String ref, Options o) {
        Container c = store.resolve(ref);
        if (o.stream() && !o.logs() && (c.status() == ContainerStatus.EXITED || c.status() == ContainerStatus.DEAD)) {
            throw BerthException.conflict("You cannot attach to a stopped container, start it first");
        }
        return c;
    }

    public void attach(Container c, Options o, Client client) throws IOException {
        if (o.logs()) {
            for (LogEntry e : live.log(c.id()).readAll()) {
                if (e.isStderr() ? o.stderr() : o.stdout()) {
                    client.write(e.stream(), e.line());
                }
            }
        }
        if (!o.stream()) {
            return;
        }
        Container now = store.resolve(c.id());
        if (now.status() == ContainerStatus.EXITED || now.status() == ContainerStatus.DEAD) {
            return;
        }
        AttachHub hub = live.hub(c.id());
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        Object end = new Object();
        Runnable unsubscribe = hub.subscribe(new OutputListener() {
            @Override
            public void output(String stream, byte[] chunk) {
                queue.add(new Object[] {stream, chunk});
            }

            @Override
            public void ended() {
                queue.add(end);
            }
        });
        events.publish(now, "attach");
        Thread stdinCopier = null;
        if (o.stdin() && now.config().openStdin()) {
            boolean once = now.config().stdinOnce();
            stdinCopier = Thread.ofVirtual().name("attach-stdin-" + c.shortId()).start(() -> copyStdin(hub, client, once));
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
            unsubscribe.run();
            if (stdinCopier != null) {
                stdinCopier.interrupt();
            }
        }
    }

    private static void copyStdin(AttachHub hub, Client client, boolean once) {
        OutputStream stdin;
        try {
            stdin = hub.stdin().get();
        } catch (Exception e) {
            return;
        }
        byte[] buf = new byte[8192];
        try {
            InputStream in = client.input();
            for (int n; (n = in.read(buf)) > 0; ) {
                stdin.write(buf, 0, n);
                stdin.flush();
            }
        } catch (IOException e) {
            // the client or the container went away
        }
        if (once) {
            AttachHub.closeQuietly(stdin);
        }
    }
}
