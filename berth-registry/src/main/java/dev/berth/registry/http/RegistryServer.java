package dev.berth.registry.http;

import dev.berth.core.error.BerthException;
import dev.berth.registry.Registry;
import dev.berth.registry.auth.Authorizer;
import dev.berth.registry.auth.Htpasswd;
import dev.berth.registry.auth.TokenService;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.gc.GarbageCollector;
import dev.berth.registry.storage.RootLock;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code berth registry serve}: the OCI Distribution server on Netty (HTTP/1.1, optional TLS).
 * Event loops only move bytes; every request runs on its own virtual thread.
 */
public final class RegistryServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RegistryServer.class);

    /** The token issuer's signing key under the root (see {@link TokenService#loadOrCreateKey}). */
    static final String TOKEN_KEY = "token.key";

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService requests;
    private final ScheduledExecutorService scheduler;
    private final Channel channel;
    private final RootLock lock;
    private final Registry registry;
    private final GarbageCollector collector;
    private final boolean tls;

    private RegistryServer(
            EventLoopGroup boss,
            EventLoopGroup workers,
            ExecutorService requests,
            ScheduledExecutorService scheduler,
            Channel channel,
            RootLock lock,
            Registry registry,
            GarbageCollector collector,
            boolean tls) {
        this.boss = boss;
        this.workers = workers;
        this.requests = requests;
        this.scheduler = scheduler;
        this.channel = channel;
        this.lock = lock;
        this.registry = registry;
        this.collector = collector;
        this.tls = tls;
    }

    /** Wires and starts a registry from a complete config ({@link RegistryConfig#withDefaults()}). */
    public static RegistryServer start(RegistryConfig config) {
        Path root = Path.of(config.root());
        RootLock lock = RootLock.acquire(root, "berth registry serve on " + config.addr());
        try {
            Registry registry = Registry.open(root);
            boolean readOnly = config.readOnly();
            Htpasswd users = config.auth().htpasswd() == null
                    ? null
                    : Htpasswd.load(Path.of(config.auth().htpasswd()));
            TokenService tokens = null;
            Authorizer authorizer = switch (config.auth().type()) {
                case "basic" -> Authorizer.basic(users, "Berth Registry");
                case "token" ->
                    tokens = new TokenService(
                            config.auth().service(),
                            config.auth().realm(),
                            Duration.ofSeconds(config.auth().tokenTtlSeconds()),
                            users,
                            readOnly,
                            TokenService.loadOrCreateKey(root.resolve(TOKEN_KEY)),
                            Clock.systemUTC());
                default -> Authorizer.NONE;
            };
            GarbageCollector collector = new GarbageCollector(registry, config.gcDelay(), config.uploadTtl());
            SslContext ssl = config.tls() == null ? null : sslContext(config.tls());
            Router router = new Router(registry, authorizer, tokens, collector, readOnly);
            RegistryServer server = bind(parseAddress(config.addr()), router, ssl, lock, registry, collector);
            warmUpDigests();
            // Abandoned upload sessions end even when nobody collects garbage (spec: "the server
            // SHOULD eventually timeout unfinished uploads").
            server.scheduler.scheduleWithFixedDelay(
                    () -> {
                        try {
                            registry.purgeUploads(java.time.Instant.now().minus(config.uploadTtl()));
                        } catch (RuntimeException e) {
                            log.error("purging idle uploads failed", e);
                        }
                    },
                    1,
                    1,
                    TimeUnit.HOURS);
            server.scheduler.scheduleWithFixedDelay(
                    () -> {
                        try {
                            registry.closeIdleWriters(java.time.Instant.now().minus(Duration.ofMinutes(10)));
                        } catch (RuntimeException e) {
                            log.error("closing idle upload files failed", e);
                        }
                    },
                    5,
                    5,
                    TimeUnit.MINUTES);
            if (config.gc().intervalSeconds() > 0) {
                long every = config.gc().intervalSeconds();
                server.scheduler.scheduleWithFixedDelay(
                        () -> {
                            try {
                                collector.collect();
                            } catch (RuntimeException e) {
                                log.error("scheduled garbage collection failed", e);
                            }
                        },
                        every,
                        every,
                        TimeUnit.SECONDS);
            }
            log.info(
                    "berth registry serving {} on {}{}{}",
                    root,
                    server.address(),
                    ssl != null ? " (TLS)" : "",
                    readOnly ? " read-only" : "");
            return server;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Hashes some throwaway bytes in the background right after start, so that C2 has compiled
     * the SHA-256 path (with its SHA-NI intrinsic) before the first push arrives; until then
     * hashing runs in the profiling tiers, several times slower than the network.
     */
    private static void warmUpDigests() {
        Thread.ofPlatform().daemon().name("registry-warmup").start(() -> {
            byte[] chunk = new byte[1024];
            for (String alg : new String[] {"sha256", "sha512"}) {
                java.security.MessageDigest md = dev.berth.core.digest.Digest.newHasher(alg);
                for (int i = 0; i < 20_000; i++) {
                    md.update(chunk, 0, chunk.length);
                }
                md.digest();
            }
        });
    }

    private static SslContext sslContext(RegistryConfig.Tls t) {
        try {
            return SslContextBuilder.forServer(new File(t.cert()), new File(t.key()))
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw BerthException.invalid(
                    "cannot load TLS certificate %s / key %s: %s", t.cert(), t.key(), e.getMessage());
        }
    }

    public static InetSocketAddress parseAddress(String addr) {
        int colon = addr.lastIndexOf(':');
        if (colon < 0) {
            throw BerthException.invalid("address must be HOST:PORT, got %s", addr);
        }
        String host = addr.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(addr.substring(colon + 1));
            return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        } catch (IllegalArgumentException e) {
            throw BerthException.invalid("address must be HOST:PORT, got %s", addr);
        }
    }

    private static RegistryServer bind(
            InetSocketAddress address,
            Router router,
            SslContext ssl,
            RootLock lock,
            Registry registry,
            GarbageCollector collector) {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelClass =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, io);
        EventLoopGroup workers =
                new MultiThreadIoEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()), io);
        ExecutorService requests = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("registry-", 0).factory());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("registry-gc").factory());
        try {
            Channel ch = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(channelClass)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(
                            ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(4096, 64 * 1024, 1 << 20))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            ChannelPipeline p = c.pipeline();
                            if (ssl != null) {
                                p.addLast(ssl.newHandler(c.alloc()));
                            }
                            // Body pieces as large as a socket read gives (Netty's default cuts them
                            // at 8 KB): a 50 MB upload then crosses to its virtual thread in a few
                            // hundred pieces instead of some 6,400.
                            p.addLast(new HttpServerCodec(new HttpDecoderConfig().setMaxChunkSize(1 << 20)));
                            p.addLast(new HttpServerKeepAliveHandler());
                            p.addLast(new HttpServerExpectContinueHandler());
                            p.addLast(new ChunkedWriteHandler());
                            p.addLast(new HttpConnection(router, requests, ssl != null));
                        }
                    })
                    .bind(address)
                    .syncUninterruptibly()
                    .channel();
            return new RegistryServer(boss, workers, requests, scheduler, ch, lock, registry, collector, ssl != null);
        } catch (RuntimeException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            requests.shutdownNow();
            scheduler.shutdownNow();
            throw BerthException.unavailable("cannot listen on %s: %s", address, e.getMessage());
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    public boolean tls() {
        return tls;
    }

    public Registry registry() {
        return registry;
    }

    public GarbageCollector collector() {
        return collector;
    }

    /** Blocks until the server channel closes. */
    public void awaitClose() {
        channel.closeFuture().syncUninterruptibly();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        scheduler.shutdownNow();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        requests.shutdownNow();
        registry.close();
        lock.close();
    }
}
