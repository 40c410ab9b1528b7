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
 */
interface Connection extends Closeable {
    InputStream input();

    OutputStream output();

    /** Ends our sending side and keeps reading: a FIN, or over TLS 1.3 a close_notify first. */
    void shutdownOutput() throws IOException;

    static Connection of(SocketChannel channel) {
        InputStream in = HttpExchange.input(channel);
        OutputStream out = HttpExchange.output(channel);
        return new Connection() {
            @Override
            public InputStream input() {
                return in;
            }

            @Override
            public OutputStream output() {
                return out;
            }

            @Override
            public void shutdownOutput() throws IOException {
                channel.shutdownOutput();
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    /** {@code socket} after its handshake, so that a refused certificate fails the connect. */
    static Connection of(SSLSocket socket) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        return new Connection() {
            @Override
            public InputStream input() {
                return in;
            }

            @Override
            public OutputStream output() {
                return out;
            }

            @Override
            public void shutdownOutput() throws IOException {
                socket.shutdownOutput();
            }

            @Override
            public void close() throws IOException {
                socket.close();
            }
        };
    }
}
