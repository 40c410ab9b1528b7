package dev.berth.http.server;

import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One address a server listens on: a Unix socket, or a TCP address served plain or with TLS.
 *
 * @param name how messages name it ({@code unix:///run/berth/berth.sock}, {@code tcp://0.0.0.0:2375})
 */
public record Listener(String name, Path socket, InetSocketAddress address, SslContext tls) {
    public Listener {
        Objects.requireNonNull(name);
        if ((socket == null) == (address == null)) {
            throw new IllegalArgumentException("a listener has a socket path or a TCP address: " + name);
        }
        if (socket != null && tls != null) {
            throw new IllegalArgumentException("TLS on a Unix socket: " + name);
        }
    }

    /** A Unix socket, created with mode 0660 (and its directory when missing). */
    public static Listener unix(Path socket) {
        return new Listener("unix://" + socket, socket, null, null);
    }

    /** A TCP address; {@code tls} null serves plain HTTP. */
    public static Listener tcp(String name, InetSocketAddress address, SslContext tls) {
        return new Listener(name, null, address, tls);
    }

    @Override
    public String toString() {
        return name;
    }
}
