package dev.berth.api.server;

import dev.berth.core.error.BerthException;
import dev.berth.http.server.HttpServer;
import dev.berth.http.server.HttpService;
import dev.berth.http.server.Listener;
import dev.berth.http.server.Router;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The Docker Engine API server: the API's routes, its error mapping and Docker's headers, served
 * by berth-http on any number of Unix sockets ({@code unix:///run/berth/berth.sock}) and TCP
 * addresses ({@code tcp://127.0.0.1:2375}).
 *
 * <pre>{@code
 * Router router = new Router().install(new SystemRoutes(...)).install(new ImageRoutes(...));
 * ApiServer server = new ApiServer(List.of(URI.create("unix:///run/berth/berth.sock")), router);
 * server.start();   // binds every address or none
 * ...
 * server.close();   // stops accepting, lets requests finish, then closes streams and connections
 * }</pre>
 *
 * <p>Paths may carry Docker's {@code /v1.NN} prefix ({@link ApiVersion#of}); a version outside
 * what Berth speaks is Docker's 400. With a TLS context (dockerd's {@code --tls}/{@code --tlsverify})
 * every TCP address serves HTTPS only: a plain-HTTP request there is answered as Go answers it
 * ("Client sent an HTTP request to an HTTPS server.") and never reaches a route; Unix sockets
 * stay plain.
 */
public final class ApiServer implements AutoCloseable {
    /** How long {@link #close()} lets running requests finish unless told otherwise. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    /** What every response carries: clients read Api-Version, Ostype and Docker-Experimental from any of them. */
    private static final Map<String, String> DOCKER_HEADERS = Map.of(
            "Api-Version",
            ApiVersion.CURRENT.toString(),
            "Docker-Experimental",
            "false",
            "Ostype",
            "linux",
            "Server",
            ServerIdentity.SERVER_HEADER);

    private final HttpServer server;

    public ApiServer(List<URI> hosts, Router router) {
        this(hosts, router, DEFAULT_GRACE);
    }

    /** {@code grace}: how long {@link #close()} lets running requests finish before cutting connections. */
    public ApiServer(List<URI> hosts, Router router, Duration grace) {
        this(hosts, router, grace, null);
    }

    /**
     * {@code tls}: the TLS every {@code tcp://} listener serves (dockerd's {@code --tls}), or null
     * for plain HTTP; Unix sockets stay plain, as dockerd's.
     */
    public ApiServer(List<URI> hosts, Router router, Duration grace, SslContext tls) {
        if (hosts.isEmpty()) {
            throw BerthException.invalid("no listen address given");
        }
        hosts.forEach(ApiServer::checkHost);
        List<Listener> listeners = hosts.stream().map(h -> listener(h, tls)).toList();
        this.server = new HttpServer("berth-api", listeners, service(router), grace);
    }

    /** The API as berth-http serves it: versioned paths, Docker's errors and headers. */
    public static HttpService service(Router router) {
        return new HttpService(
                router, new ErrorMapping(), DOCKER_HEADERS, ApiVersion.PATH_PREFIX, List.of(ApiVersion::check));
    }

    /**
     * Parses a {@code -H} value: {@code unix:///path} or {@code tcp://host:port} (host defaults to
     * every address, port to 2375, or 2376 when serving TLS, as Docker's).
     */
    public static URI parseHost(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (java.net.URISyntaxException e) {
            throw BerthException.invalid("invalid listen address %s: %s", text, e.getReason());
        }
        checkHost(uri);
        return uri;
    }

    private static void checkHost(URI uri) {
        String scheme = uri.getScheme();
        if ("unix".equals(scheme)) {
            if (uri.getPath() == null || uri.getPath().isEmpty()) {
                throw BerthException.invalid("invalid listen address %s: no socket path", uri);
            }
        } else if ("tcp".equals(scheme)) {
            if (uri.getHost() == null
                    && uri.getAuthority() != null
                    && !uri.getAuthority().matches(":[0-9]{1,5}")) {
                throw BerthException.invalid("invalid listen address %s: bad host or port", uri);
            }
        } else {
            throw BerthException.invalid("invalid listen address %s: only unix:// and tcp:// are supported", uri);
        }
    }

    private static Listener listener(URI host, SslContext tls) {
        if ("unix".equals(host.getScheme())) {
            return Listener.unix(Path.of(host.getPath()));
        }
        // Docker's defaults: no host means every address, no port means 2375 (2376 with TLS).
        String hostname = host.getHost() == null || host.getHost().isEmpty() ? "0.0.0.0" : host.getHost();
        return Listener.tcp(host.toString(), new InetSocketAddress(hostname, port(host, tls != null)), tls);
    }

    /**
     * The port of a {@code tcp://} address, or Docker's default. {@code tcp://:2380} has no host,
     * and then java.net.URI parses no port either: it is taken from the authority.
     */
    static int port(URI host, boolean tls) {
        if (host.getPort() >= 0) {
            return host.getPort();
        }
        String authority = host.getAuthority();
        if (authority != null && authority.startsWith(":") && authority.length() > 1) {
            return Integer.parseInt(authority.substring(1));
        }
        return tls ? 2376 : 2375;
    }

    /** Binds every address; on any failure nothing stays bound and the failure is thrown. */
    public void start() {
        // Jackson builds its serializers on first use, which costs seconds on a loaded machine:
        // pay that now rather than in the first client's request.
        Json.encodeLine(Map.of("message", "warm-up"));
        server.start();
    }

    /** The bound addresses, in the order given (useful with {@code tcp://127.0.0.1:0}). */
    public List<SocketAddress> boundAddresses() {
        return server.boundAddresses();
    }

    /**
     * Stops accepting, waits up to the grace period for running requests, then closes every
     * connection (ending event streams and hijacked sessions) and removes the socket files.
     */
    @Override
    public void close() {
        server.close();
    }
}
