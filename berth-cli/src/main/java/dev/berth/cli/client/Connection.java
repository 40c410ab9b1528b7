package dev.berth.cli.client;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLSocket;

/**
 * One blocking connection to the daemon: a Unix or TCP socket channel, or a TLS socket. One thread
 * may read while another writes (a request body uploads while the answer is read).
 *
 * @param endOutput ends our sending side and keeps reading: a FIN, over TLS 1.3 a close_notify first
 */
record Connection(InputStream input, OutputStream output, Action endOutput, Closeable socket) implements Closeable {
    interface Action {
        void run() throws IOException;
    }

    static Connection of(SocketChannel channel) {
        return new Connection(
                HttpExchange.input(channel), HttpExchange.output(channel), channel::shutdownOutput, channel);
    }

    /** {@code socket} after its handshake, so that a refused certificate fails the connect. */
    static Connection of(SSLSocket socket) throws IOException {
        return new Connection(socket.getInputStream(), socket.getOutputStream(), socket::shutdownOutput, socket);
    }

    void shutdownOutput() throws IOException {
        endOutput.run();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
