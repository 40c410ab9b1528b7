package dev.berth.http.client;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One blocking connection, read by the caller's thread straight into its buffer while another
 * thread may write (a request body uploads while the answer is read).
 *
 * <p>Plain sockets, not the JDK's HttpClient: that one hands a response body through its selector
 * thread and flow machinery in freshly allocated buffers, and measured on loopback it delivered a
 * 24 MB blob in 120–250 ms where a plain socket takes 30 ms (and the same CPU then goes to hashing
 * and unpacking). Netty's client codec would add the same handoff between an event loop and the
 * blocking reader. A receive buffer of 1 MiB (asked before connecting, so that the window scales)
 * and reads of 256 KiB keep a download at the speed of the disk behind it.
 */
final class Connection implements AutoCloseable {
    private static final int RECEIVE_BUFFER = 1024 * 1024;
    private static final int READ_BUFFER = 256 * 1024;
    /**
     * How long a TLS handshake may take without a connect timeout, as Go's http.Transport allows
     * (Docker's registry client and CLI): a server that does not speak TLS may never answer the
     * ClientHello. With a connect timeout, the handshake is part of connecting, as the JDK's
     * HttpClient counts it (a loopback registry is tried over HTTPS first, then plain HTTP).
     */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final Target target;
    private final Socket socket;
    private final SocketChannel channel;
    private final InputStream input;
    private final OutputStream output;
    /** Bytes received so far: none means a request that failed may be sent again on another connection. */
    private long received;

    private Connection(Target target, Socket socket, SocketChannel channel, InputStream in, OutputStream out) {
        this.target = target;
        this.socket = socket;
        this.channel = channel;
        this.input = new BufferedInputStream(counting(in), READ_BUFFER);
        this.output = out;
    }

    private InputStream counting(InputStream in) {
        return new java.io.FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                received += b < 0 ? 0 : 1;
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                received += Math.max(0, n);
                return n;
            }
        };
    }

    /** Bytes received on this connection so far. */
    long received() {
        return received;
    }

    /** Connects, over TLS with the handshake done (so that a refused certificate fails here). */
    static Connection open(Target target, Duration connectTimeout) throws IOException {
        if (target.socket() != null) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(target.socket()));
                return new Connection(target, null, channel, input(channel), output(channel));
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        }
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setReceiveBufferSize(RECEIVE_BUFFER);
            try {
                socket.connect(new InetSocketAddress(target.host(), target.port()), (int) connectTimeout.toMillis());
            } catch (SocketTimeoutException e) {
                throw new ConnectTimeoutException("connect timed out after " + connectTimeout.toMillis() + " ms", e);
            }
            if (target.tls() != null) {
                Tls tls = target.tls();
                SSLSocket ssl = (SSLSocket) tls.factory().createSocket(socket, target.host(), target.port(), true);
                SSLParameters parameters = ssl.getSSLParameters();
                if (!tls.protocols().isEmpty()) {
                    parameters.setProtocols(tls.protocols().toArray(String[]::new));
                }
                if (tls.verifyHost()) {
                    parameters.setEndpointIdentificationAlgorithm("HTTPS");
                }
                ssl.setSSLParameters(parameters);
                Duration handshake = connectTimeout.isZero() ? HANDSHAKE_TIMEOUT : connectTimeout;
                ssl.setSoTimeout((int) handshake.toMillis());
                try {
                    ssl.startHandshake();
                } catch (SocketTimeoutException e) {
                    ssl.close();
                    throw new ConnectTimeoutException(
                            "TLS handshake timed out after " + handshake.toMillis() + " ms", e);
                }
                ssl.setSoTimeout(0);
                socket = ssl;
            }
            return new Connection(target, socket, null, socket.getInputStream(), socket.getOutputStream());
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    Target target() {
        return target;
    }

    InputStream input() {
        return input;
    }

    OutputStream output() {
        return output;
    }

    /** How long a read may wait for bytes (TCP only; 0: for ever). */
    void readTimeout(Duration timeout) throws IOException {
        if (socket != null) {
            socket.setSoTimeout((int) timeout.toMillis());
        }
    }

    /** Ends the sending side and keeps reading: a FIN, over TLS a close_notify first. */
    void shutdownOutput() throws IOException {
        if (socket != null) {
            socket.shutdownOutput();
        } else {
            channel.shutdownOutput();
        }
    }

    boolean isOpen() {
        return socket != null ? !socket.isClosed() : channel.isOpen();
    }

    @Override
    public void close() {
        try {
            if (socket != null) {
                socket.close();
            } else {
                channel.close();
            }
        } catch (IOException ignored) {
            // a connection we are done with
        }
    }

    /**
     * Reads a Unix channel directly: Channels.newInputStream would hold the channel's blocking
     * lock while it waits, and a writer thread with it.
     */
    private static InputStream input(SocketChannel channel) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                int n;
                do {
                    n = channel.read(ByteBuffer.wrap(b, off, len));
                } while (n == 0);
                return n;
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    private static OutputStream output(SocketChannel channel) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        };
    }
}
