package dev.berth.network;

import dev.berth.network.netlink.NetworkNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of the test's own: a sleeping process made by {@code unshare --net}. The
 * namespace, and every interface in it, goes when the process is killed.
 */
public final class ScratchNamespace implements AutoCloseable {
    private final Process process;

    private ScratchNamespace(Process process) {
        this.process = process;
    }

    public static ScratchNamespace create() {
        try {
            Process p = new ProcessBuilder("unshare", "--net", "sleep", "600")
                    .redirectErrorStream(true)
                    .start();
            ScratchNamespace ns = new ScratchNamespace(p);
            // unshare execs sleep once the namespace exists: wait for the process to be sleep
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.readString(java.nio.file.Path.of("/proc/" + p.pid() + "/comm"))
                    .trim()
                    .equals("sleep")) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    ns.close();
                    throw new IllegalStateException("unshare --net did not start");
                }
                Thread.sleep(5);
            }
            return ns;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public NetworkNamespace namespace() {
        return NetworkNamespace.ofPid(process.pid());
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
