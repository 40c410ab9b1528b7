package dev.berth.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder on 127.0.0.1 in front of a registry that counts the bytes it serves to clients,
 * keeps what clients sent (request lines and headers: pulls send no bodies), and can slow its
 * answers down to a given rate so that a test can interrupt a download half-way.
 */
final class ThrottlingProxy implements AutoCloseable {
    private static final int CHUNK = 16 * 1024;

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final AtomicLong served = new AtomicLong();
    private final StringBuffer requests = new StringBuffer();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile long bytesPerSecond;

    private ThrottlingProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
    }

    /** Forwards to {@code targetAddress} ({@code 127.0.0.1:PORT}). */
    static ThrottlingProxy start(String targetAddress) {
        int colon = targetAddress.lastIndexOf(':');
        InetSocketAddress target = new InetSocketAddress(
                targetAddress.substring(0, colon), Integer.parseInt(targetAddress.substring(colon + 1)));
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            ThrottlingProxy proxy = new ThrottlingProxy(server, target);
            Thread.ofVirtual().start(proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Limits what the proxy serves to {@code rate} bytes per second; 0 for no limit. */
    void throttle(long rate) {
        bytesPerSecond = rate;
    }

    long served() {
        return served.get();
    }

    String requests() {
        return requests.toString();
    }

    /** Starts counting afresh. */
    void reset() {
        served.set(0);
        requests.setLength(0);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                sockets.add(client);
                sockets.add(upstream);
                Thread.ofVirtual().start(() -> pump(client, upstream, false));
                Thread.ofVirtual().start(() -> pump(upstream, client, true));
            } catch (IOException e) {
                // closed, or the registry went away: the client sees its connection fail
            }
        }
    }

    private void pump(Socket from, Socket to, boolean toClient) {
        byte[] buffer = new byte[CHUNK];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (toClient) {
                    long rate = bytesPerSecond;
                    if (rate > 0) {
                        Thread.sleep(Math.max(1, n * 1000L / rate));
                    }
                } else if (requests.length() < 1 << 20) {
                    requests.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                }
                out.write(buffer, 0, n);
                if (toClient) {
                    served.addAndGet(n);
                }
            }
            to.shutdownOutput();
        } catch (IOException | InterruptedException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // best effort
        }
        sockets.forEach(ThrottlingProxy::closeQuietly);
    }
}
