package dev.berth.http.client;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where a request goes: a Unix socket, or a TCP host and port spoken plain or over TLS. Requests
 * to the same target share pooled connections.
 *
 * @param socket the Unix socket, or null for TCP
 * @param host the TCP host (a name, or an IP literal without brackets), or null for a Unix socket
 * @param hostHeader the {@code Host} the requests carry
 * @param tls null for plain
 */
public record Target(Path socket, String host, int port, String hostHeader, Tls tls) {
    /** A Unix socket; requests name {@code hostHeader} (docker's {@code api.moby.localhost}). */
    public static Target unix(Path socket, String hostHeader) {
        return new Target(socket, null, 0, hostHeader, null);
    }

    /** A TCP address; the Host header is {@code host:port}. */
    public static Target tcp(String host, int port, Tls tls) {
        return new Target(null, host, port, (host.contains(":") ? "[" + host + "]" : host) + ":" + port, tls);
    }

    /** The origin of {@code uri} ({@code http} or {@code https}, default ports 80 and 443), with {@code tls} for https. */
    public static Target of(URI uri, Tls tls) {
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        String host = uri.getHost();
        if (host != null && host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Target(null, host, port, uri.getRawAuthority(), https ? tls : null);
    }

    @Override
    public String toString() {
        return socket != null ? "unix://" + socket : (tls != null ? "https://" : "http://") + hostHeader;
    }
}
