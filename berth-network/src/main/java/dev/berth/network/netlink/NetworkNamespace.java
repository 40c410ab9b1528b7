package dev.berth.network.netlink;

import dev.berth.core.error.BerthException;
import dev.berth.core.sys.Libc;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A network namespace named by a file (/proc/PID/ns/net). Work that must happen inside it, such
 * as opening a socket there (a socket stays in the namespace it was made in), runs on a new
 * platform thread that enters the namespace and then ends: no thread ever has to come back, so
 * none can be left in the wrong namespace, and no virtual thread's carrier is ever moved.
 */
public record NetworkNamespace(Path path) {

    public static NetworkNamespace ofPid(long pid) {
        return new NetworkNamespace(Path.of("/proc/" + pid + "/ns/net"));
    }

    /**
     * Whether this is the daemon's own network namespace: a container runtime that made none (a
     * test's stand-in) must not have the daemon's interfaces set up as a container's.
     */
    public boolean isDaemons() {
        try {
            return java.nio.file.Files.readSymbolicLink(path)
                    .equals(java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/ns/net")));
        } catch (java.io.IOException e) {
            throw BerthException.unavailable("cannot read %s: %s", path, e.getMessage());
        }
    }

    /** Opens the namespace file read-only (close-on-exec), e.g. for IFLA_NET_NS_FD; the caller closes it. */
    public int open() {
        return Libc.open(path, Libc.O_RDONLY, 0);
    }

    /** Runs {@code work} inside this namespace and returns its result; its exception is rethrown. */
    public <T> T call(Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(() -> {
            int fd = open();
            try {
                Libc.setns(fd, Libc.CLONE_NEWNET, path.toString());
            } finally {
                Libc.close(fd, path);
            }
            return work.call();
        });
        Thread thread = Thread.ofPlatform().name("netns").daemon().start(task);
        try {
            return task.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw BerthException.internal("in network namespace " + path + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.interrupt();
            throw BerthException.unavailable("interrupted in network namespace %s", path);
        }
    }
}
