package dev.berth.http.server;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
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
 * An HTTP/1.1 server on any number of {@link Listener}s: one Netty event loop group for all of
 * them (epoll; NIO for TCP where epoll is missing), the pipeline of {@link ServerPipeline}, and
 * every request on a virtual thread of its own.
 *
 * <pre>{@code
 * HttpServer server = new HttpServer("berth-api", listeners, service, Duration.ofSeconds(10));
 * server.start();   // binds every listener or none
 * ...
 * server.close();   // stops accepting, lets requests finish, then closes streams and connections
 * }</pre>
 *
 * <p>A Unix socket is created with mode 0660 (and its directory if missing). A leftover socket
 * file is removed only when nothing answers on it; when a server does, start fails with
 * "another daemon is listening on …".
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    private final String name;
    private final List<Listener> listeners;
    private final Dispatch dispatch;
    private final Duration grace;
    private final List<Channel> bound = new ArrayList<>();
    private final List<Path> socketFiles = new ArrayList<>();
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private EventLoopGroup group;
    private ExecutorService handlers;
    private boolean closed;

    /**
     * @param name names the request threads ({@code name-0}, {@code name-1} …)
     * @param grace how long {@link #close()} lets running requests finish before cutting connections
     */
    public HttpServer(String name, List<Listener> listeners, HttpService service, Duration grace) {
        if (listeners.isEmpty()) {
            throw BerthException.invalid("no listen address given");
        }
        this.name = name;
        this.listeners = List.copyOf(listeners);
        this.dispatch = new Dispatch(service);
        this.grace = grace;
    }

    /** Binds every listener; on any failure nothing stays bound and the failure is thrown. */
    public synchronized void start() {
        if (group != null) {
            throw new IllegalStateException("already started");
        }
        boolean epoll = Epoll.isAvailable();
        boolean unix = listeners.stream().anyMatch(l -> l.socket() != null);
        if (!epoll && unix) {
            throw new BerthException(
                    ErrorKind.UNAVAILABLE,
                    "epoll transport unavailable: " + Epoll.unavailabilityCause(),
                    Epoll.unavailabilityCause());
        }
        IoHandlerFactory io = epoll ? new EpollKeepingIdleChannels() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(0, io);
        handlers = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name(name + "-", 0).factory());
        try {
            for (Listener listener : listeners) {
                bound.add(bind(listener, epoll));
                log.info("{} listening on {}{}", name, listener, listener.tls() != null ? " (TLS)" : "");
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The bound addresses, in the order given (useful with port 0). */
    public synchronized List<SocketAddress> boundAddresses() {
        return bound.stream().map(Channel::localAddress).toList();
    }

    /** Blocks until the first listener closes. */
    public void awaitClose() {
        Channel first;
        synchronized (this) {
            first = bound.getFirst();
        }
        first.closeFuture().syncUninterruptibly();
    }

    private Channel bind(Listener listener, boolean epoll) {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ServerPipeline(dispatch, listener.tls(), handlers, connections));
        if (listener.socket() != null) {
            Path path = listener.socket();
            prepareSocketPath(listener, path);
            b.channel(EpollServerDomainSocketChannel.class);
            Channel ch = bindOrFail(b, new DomainSocketAddress(path.toString()), listener);
            socketFiles.add(path);
            try {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
            } catch (IOException e) {
                ch.close();
                throw BerthException.internal("cannot set the mode of " + path, e);
            }
            return ch;
        }
        Class<? extends ServerChannel> tcp = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        // Reads grow up to 1 MiB, so that an upload arrives in large pieces (see ServerPipeline's chunks).
        b.channel(tcp)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(
                        ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(4096, 64 * 1024, 1 << 20));
        return bindOrFail(b, listener.address(), listener);
    }

    private static Channel bindOrFail(ServerBootstrap b, SocketAddress address, Listener listener) {
        try {
            return b.bind(address).syncUninterruptibly().channel();
        } catch (Exception e) {
            throw new BerthException(
                    ErrorKind.UNAVAILABLE, "cannot listen on " + listener + ": " + ErrorMapper.messageOf(e), e);
        }
    }

    /** Creates the socket's directory; removes a stale socket file, refuses a live one or a non-socket. */
    private static void prepareSocketPath(Listener listener, Path path) {
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
                        ErrorKind.CONFLICT,
                        "cannot listen on " + listener + ": " + path + " exists and is not a socket");
            }
            if (answers(path)) {
                throw new BerthException(ErrorKind.CONFLICT, "another daemon is listening on " + listener);
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
        for (Channel listener : bound) {
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
