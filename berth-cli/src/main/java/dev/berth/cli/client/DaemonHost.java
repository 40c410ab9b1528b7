package dev.berth.cli.client;

import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the daemon listens: {@code unix:///path/to.sock} or {@code tcp://host:port}, as docker's
 * {@code -H} and DOCKER_HOST spell it.
 *
 * @param uri    the address as the user wrote it (normalized), used in messages
 * @param socket the socket path for unix://, else null
 * @param host   the host name for tcp://, else null
 */
public record DaemonHost(String uri, Path socket, String host, int port) {
    public static final String DEFAULT = "unix:///run/berth/berth.sock";
    /** docker's default for plain-text tcp:// without a port. */
    private static final int DEFAULT_TCP_PORT = 2375;

    /** The -H flag when given, else DOCKER_HOST, else the default socket. */
    public static DaemonHost resolve(String flag, Map<String, String> env) {
        if (flag != null && !flag.isBlank()) {
            return parse(flag);
        }
        String fromEnv = env.get("DOCKER_HOST");
        return parse(fromEnv != null && !fromEnv.isBlank() ? fromEnv : DEFAULT);
    }

    public static DaemonHost parse(String text) {
        String value = text.strip();
        if (value.startsWith("unix://")) {
            String path = value.substring("unix://".length());
            if (path.isEmpty() || !path.startsWith("/")) {
                throw BerthException.invalid("invalid daemon address %s: unix:// needs an absolute socket path", text);
            }
            return new DaemonHost(value, Path.of(path), null, 0);
        }
        if (value.startsWith("tcp://")) {
            URI uri;
            try {
                uri = URI.create("tcp://" + value.substring("tcp://".length()).replaceFirst("/+$", ""));
            } catch (IllegalArgumentException e) {
                throw BerthException.invalid("invalid daemon address %s: %s", text, e.getMessage());
            }
            String host = uri.getHost() == null || uri.getHost().isEmpty() ? "127.0.0.1" : uri.getHost();
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = uri.getPort() < 0 ? DEFAULT_TCP_PORT : uri.getPort();
            return new DaemonHost("tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port, null, host, port);
        }
        if (value.startsWith("/")) {
            return parse("unix://" + value);
        }
        throw BerthException.invalid("invalid daemon address %s: use unix:///path/to.sock or tcp://host:port", text);
    }

    /** Opens a blocking connection; the caller turns a failure into "Cannot connect …". */
    SocketChannel connect() throws IOException {
        if (socket != null) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
                return channel;
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        }
        SocketChannel channel = SocketChannel.open();
        try {
            channel.connect(new InetSocketAddress(host, port));
            channel.socket().setTcpNoDelay(true);
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** The value of the HTTP Host header: docker sends "api.moby.localhost" over a Unix socket. */
    String hostHeader() {
        return socket != null ? "api.moby.localhost" : (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return uri;
    }
}
