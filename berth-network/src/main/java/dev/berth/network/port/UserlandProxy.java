package dev.berth.network.port;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What dockerd's docker-proxy does, inside the daemon: a host socket on a published port that
 * holds the port (so nothing else takes it) and, when {@code forward}, carries traffic to the
 * container. Traffic from outside the host reaches containers through DNAT and never passes here;
 * this path serves the host's own 127.0.0.1 and containers that reach the port through the host.
 * Connections run on virtual threads: two per TCP connection, one per UDP client.
 */
abstract sealed class UserlandProxy implements Closeable {
    /** dockerd's UDPConnTrackTimeout: a UDP client silent this long is forgotten. */
    static final int UDP_IDLE_MILLIS = 90_000;

    static UserlandProxy tcp(ServerSocketChannel bound, InetSocketAddress target, boolean forward) {
        return new Tcp(bound, target, forward);
    }

    static UserlandProxy udp(DatagramChannel bound, InetSocketAddress target, boolean forward) {
        return new Udp(bound, target, forward);
    }

    static final class Tcp extends UserlandProxy {
        private final ServerSocketChannel server;
        private final InetSocketAddress target;

        Tcp(ServerSocketChannel server, InetSocketAddress target, boolean forward) {
            this.server = server;
            this.target = target;
            if (forward) {
                Thread.ofVirtual().name("proxy-accept-" + target).start(this::accept);
            }
        }

        private void accept() {
            while (server.isOpen()) {
                try {
                    SocketChannel client = server.accept();
                    Thread.ofVirtual().name("proxy-" + target).start(() -> serve(client));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void serve(SocketChannel client) {
            try (client;
                    SocketChannel upstream = SocketChannel.open(target)) {
                Thread back = Thread.ofVirtual().start(() -> copy(upstream, client));
                copy(client, upstream);
                back.join();
            } catch (IOException e) {
                // the container is not listening (yet, or any more): the client sees the connection close
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Copies until end of stream, then passes the half-close on. */
        private static void copy(SocketChannel from, SocketChannel to) {
            ByteBuffer buffer = ByteBuffer.allocate(32 * 1024);
            try {
                while (from.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // closing after a failure
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    static final class Udp extends UserlandProxy {
        private final DatagramChannel server;
        private final InetSocketAddress target;
        private final Map<InetSocketAddress, DatagramChannel> clients = new ConcurrentHashMap<>();

        Udp(DatagramChannel server, InetSocketAddress target, boolean forward) {
            this.server = server;
            this.target = target;
            if (forward) {
                Thread.ofVirtual().name("proxy-udp-" + target).start(this::receive);
            }
        }

        private void receive() {
            ByteBuffer buffer = ByteBuffer.allocate(65535);
            while (server.isOpen()) {
                try {
                    buffer.clear();
                    InetSocketAddress from = (InetSocketAddress) server.receive(buffer);
                    buffer.flip();
                    DatagramChannel upstream = clients.computeIfAbsent(from, this::connect);
                    if (upstream != null) {
                        upstream.write(buffer);
                    }
                } catch (IOException e) {
                    if (!server.isOpen()) {
                        return;
                    }
                }
            }
        }

        private DatagramChannel connect(InetSocketAddress client) {
            try {
                DatagramChannel upstream = DatagramChannel.open();
                upstream.connect(target);
                upstream.socket().setSoTimeout(UDP_IDLE_MILLIS);
                Thread.ofVirtual().start(() -> replies(client, upstream));
                return upstream;
            } catch (IOException e) {
                return null;
            }
        }

        /** Sends the container's answers back to the client, until it has been silent for the timeout. */
        private void replies(InetSocketAddress client, DatagramChannel upstream) {
            byte[] bytes = new byte[65535];
            java.net.DatagramPacket packet = new java.net.DatagramPacket(bytes, bytes.length);
            try (upstream) {
                while (server.isOpen()) {
                    upstream.socket().receive(packet);
                    server.send(ByteBuffer.wrap(bytes, 0, packet.getLength()), client);
                }
            } catch (IOException e) {
                // timed out or closed
            } finally {
                clients.remove(client, upstream);
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (DatagramChannel c : clients.values()) {
                c.close();
            }
        }
    }

    /** A listening TCP socket on the host port (SO_REUSEADDR, as Go's listeners, so TIME_WAIT does not hold it). */
    static ServerSocketChannel listenTcp(InetSocketAddress address) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(address, 128);
            return server;
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    static DatagramChannel listenUdp(InetSocketAddress address) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.bind(address);
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }
}
