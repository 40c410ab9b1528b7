package dev.berth.cli.client;

import dev.berth.api.tls.TlsFiles;
import dev.berth.core.error.BerthException;
import dev.berth.http.client.Target;
import dev.berth.http.client.Tls;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * Where the daemon listens: {@code unix:///path/to.sock} or {@code tcp://host:port}, as docker's
 * {@code -H} and DOCKER_HOST spell it, and how to speak to it there (plain, or TLS on tcp://).
 *
 * @param uri    the address as the user wrote it (normalized), used in messages
 * @param socket the socket path for unix://, else null
 * @param host   the host name for tcp://, else null
 * @param tls    the TLS of a tcp:// address (--tls, --tlsverify, DOCKER_TLS_VERIFY), else null
 * @param verify whether the daemon's certificate and name are checked (false with --tls alone)
 */
public record DaemonHost(String uri, Path socket, String host, int port, SSLContext tls, boolean verify) {
    public static final String DEFAULT = "unix:///run/berth/berth.sock";
    /** docker's default for tcp:// without a port: 2375 plain, 2376 with TLS. */
    private static final int DEFAULT_TCP_PORT = 2375;

    private static final int DEFAULT_TLS_PORT = 2376;

    /** The -H flag when given, else DOCKER_HOST, else the default socket; plain. */
    public static DaemonHost resolve(String flag, Map<String, String> env) {
        return resolve(flag, null, env);
    }

    /**
     * The -H flag when given, else DOCKER_HOST, else the default socket; spoken with {@code tls}
     * (null: plain) when it is a tcp:// address. As docker's, TLS files are read only for tcp://.
     */
    public static DaemonHost resolve(String flag, TlsFiles tls, Map<String, String> env) {
        String text = flag != null && !flag.isBlank() ? flag : env.get("DOCKER_HOST");
        DaemonHost host = parse(text != null && !text.isBlank() ? text : DEFAULT, tls != null);
        if (tls == null || host.socket != null) {
            return host;
        }
        return new DaemonHost(host.uri, null, host.host, host.port, tls.clientContext(), tls.verify());
    }

    public static DaemonHost parse(String text) {
        return parse(text, false);
    }

    private static DaemonHost parse(String text, boolean tls) {
        String value = text.strip();
        if (value.startsWith("unix://")) {
            String path = value.substring("unix://".length());
            if (path.isEmpty() || !path.startsWith("/")) {
                throw BerthException.invalid("invalid daemon address %s: unix:// needs an absolute socket path", text);
            }
            return new DaemonHost(value, Path.of(path), null, 0, null, false);
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
            int port = uri.getPort() >= 0 ? uri.getPort() : tls ? DEFAULT_TLS_PORT : DEFAULT_TCP_PORT;
            return new DaemonHost(
                    "tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port,
                    null,
                    host,
                    port,
                    null,
                    false);
        }
        if (value.startsWith("/")) {
            return parse("unix://" + value, tls);
        }
        throw BerthException.invalid("invalid daemon address %s: use unix:///path/to.sock or tcp://host:port", text);
    }

    /**
     * Where the client connects: the Unix socket (requests name {@code api.moby.localhost}, as
     * docker's do), or the TCP address, over TLS when asked (Go checks that the daemon's
     * certificate names this host, or IP, when verifying; the JDK does so when asked).
     */
    Target target() {
        if (socket != null) {
            return Target.unix(socket, "api.moby.localhost");
        }
        Tls spoken = tls == null ? null : new Tls(tls.getSocketFactory(), verify, List.of(TlsFiles.protocols()));
        return Target.tcp(host, port, spoken);
    }

    @Override
    public String toString() {
        return uri;
    }
}
