package dev.berth.api.server;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker Engine API server: HTTP/1.1 on any number of Unix sockets ({@code unix:///run/berth/berth.sock})
 * and TCP addresses ({@code tcp://127.0.0.1:2375}), one Netty event loop group for all, handlers on
 * virtual threads.
 *
 * <pre>{@code
 * Router router = new Router().install(new SystemRoutes(...)).install(new ImageRoutes(...));
 * ApiServer server = new ApiServer(List.of(URI.create("unix:///run/berth/berth.sock")), router);
 * server.start();   // binds every address or none
 * ...
 * server.close();   // stops accepting, lets requests finish, then closes streams and connections
 * }</pre>
 *
 * <p>A Unix socket is created with mode 0660 (and its directory if missing). A leftover socket
 * file is removed only when nothing answers on it; when a daemon does, start fails with
 * "another daemon is listening on …".
 *
 * <p>With a TLS context (dockerd's {@code --tls}/{@code --tlsverify}) every TCP address serves
 * HTTPS only: a plain-HTTP request there is answered as Go answers it ("Client sent an HTTP
 * request to an HTTPS server.") and never reaches a route; Unix sockets stay plain.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final int MAX_INITIAL_LINE = 64 * 1024;
    private static final int MAX_HEADER_SIZE = 256 * 1024;
    private static final int MAX_CHUNK = 64 * 1024;

    private final List<URI> hosts;
    private final Dispatch dispatch;
    private final Duration grace;
    private final SslContext tls;
    private final List<Channel> listeners = new ArrayList<>();
    private final List<Path> socketFiles = new ArrayList<>();
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private EventLoopGroup group;
    private ExecutorService handlers;
    private boolean closed;

    /** How long {@link #close()} lets running requests finish unless told otherwise. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

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
        this.hosts = List.copyOf(hosts);
        this.dispatch = new Dispatch(router);
        this.grace = grace;
        this.tls = tls;
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

    /** Binds every address; on any failure nothing stays bound and the failure is thrown. */
    public synchronized void start() {
        if (group != null) {
            throw new IllegalStateException("already started");
        }
        if (!Epoll.isAvailable()) {
            throw new BerthException(
                    ErrorKind.UNAVAILABLE,
                    "epoll transport unavailable: " + Epoll.unavailabilityCause(),
                    Epoll.unavailabilityCause());
        }
        // Jackson builds its serializers on first use, which costs seconds on a loaded machine:
        // pay that now rather than in the first client's request.
        Json.encodeLine(java.util.Map.of("message", "warm-up"));
        group = new MultiThreadIoEventLoopGroup(0, EpollIoHandler.newFactory());
        handlers = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("berth-api-", 0).factory());
        try {
            for (URI host : hosts) {
                listeners.add(bind(host));
                log.info("API listening on {}{}", host, tls != null && "tcp".equals(host.getScheme()) ? " (TLS)" : "");
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The bound addresses, in the order given (useful with {@code tcp://127.0.0.1:0}). */
    public synchronized List<SocketAddress> boundAddresses() {
        return listeners.stream().map(Channel::localAddress).toList();
    }

    private Channel bind(URI host) {
        boolean tcp = "tcp".equals(host.getScheme());
        SslContext ssl = tcp ? tls : null;
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        if (ssl != null) {
                            ch.pipeline().addLast(new TlsOnly(ssl));
                        }
                        initPipeline(ch.pipeline(), dispatch, handlers, null);
                    }
                });
        if ("unix".equals(host.getScheme())) {
            Path path = Path.of(host.getPath());
            prepareSocketPath(host, path);
            b.channel(EpollServerDomainSocketChannel.class);
            Channel ch = bindOrFail(b, new DomainSocketAddress(path.toString()), host);
            socketFiles.add(path);
            try {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
            } catch (IOException e) {
                ch.close();
                throw BerthException.internal("cannot set the mode of " + path, e);
            }
            return ch;
        }
        // Docker's defaults: no host means every address, no port means 2375 (2376 with TLS).
        String hostname = host.getHost() == null || host.getHost().isEmpty() ? "0.0.0.0" : host.getHost();
        int port = port(host, ssl != null);
        b.channel(EpollServerSocketChannel.class);
        return bindOrFail(b, new InetSocketAddress(hostname, port), host);
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

    private static Channel bindOrFail(ServerBootstrap b, SocketAddress address, URI host) {
        try {
            return b.bind(address).syncUninterruptibly().channel();
        } catch (Exception e) {
            throw new BerthException(
                    ErrorKind.UNAVAILABLE, "cannot listen on " + host + ": " + ErrorMapping.message(e), e);
        }
    }

    /** Creates the socket's directory; removes a stale socket file, refuses a live one or a non-socket. */
    private static void prepareSocketPath(URI host, Path path) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            BasicFileAttributes attrs =
                    Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isOther()) {
                throw new BerthException(
                        ErrorKind.CONFLICT, "cannot listen on " + host + ": " + path + " exists and is not a socket");
            }
            if (answers(path)) {
                throw new BerthException(ErrorKind.CONFLICT, "another daemon is listening on " + host);
            }
            log.info("removing stale socket {}", path);
            Files.delete(path);
        } catch (IOException e) {
            throw BerthException.internal("cannot prepare " + path + ": " + e.getMessage(), e);
        }
    }

    private static boolean answers(Path socket) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The HTTP pipeline of one connection; tests build the same one on an EmbeddedChannel. */
    static void initPipeline(
            ChannelPipeline p,
            Dispatch dispatch,
            java.util.concurrent.Executor handlers,
            java.util.concurrent.Executor loop) {
        p.addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_CHUNK));
        p.addLast(new HttpServerExpectContinueHandler());
        p.addLast(new ConnectionHandler(dispatch, handlers, loop));
    }

    /**
     * Stops accepting, waits up to the grace period for running requests, then closes every
     * connection (ending event streams and hijacked sessions) and removes the socket files.
     */
    @Override
    public synchronized void close() {
        if (closed || group == null) {
            closed = true;
            return;
        }
        closed = true;
        for (Channel listener : listeners) {
            listener.close().syncUninterruptibly();
        }
        handlers.shutdown();
        try {
            if (!handlers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.info("closing {} connections with requests still running", connections.size());
            }
            connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            handlers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        handlers.shutdownNow();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        for (Path socket : socketFiles) {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                log.warn("cannot remove socket {}: {}", socket, e.toString());
            }
        }
    }
}
