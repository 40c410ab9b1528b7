package dev.berth.registry.http;

import dev.berth.core.error.BerthException;
import dev.berth.http.server.HttpServer;
import dev.berth.http.server.HttpService;
import dev.berth.http.server.Listener;
import dev.berth.http.server.Router;
import dev.berth.registry.Registry;
import dev.berth.registry.auth.Authorizer;
import dev.berth.registry.auth.Htpasswd;
import dev.berth.registry.auth.TokenService;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.gc.GarbageCollector;
import dev.berth.registry.storage.RootLock;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code berth registry serve}: the OCI Distribution server, a berth-http service (HTTP/1.1,
 * optional TLS) whose route table has one group per resource, and the schedules that end idle
 * uploads and collect garbage.
 */
public final class RegistryServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RegistryServer.class);

    /** The token issuer's signing key under the root (see {@link TokenService#loadOrCreateKey}). */
    static final String TOKEN_KEY = "token.key";

    /** What every response carries (spec: "the API version check"). */
    private static final Map<String, String> HEADERS = Map.of("Docker-Distribution-API-Version", "registry/2.0");

    private final HttpServer server;
    private final ScheduledExecutorService scheduler;
    private final RootLock lock;
    private final Registry registry;
    private final boolean tls;

    private RegistryServer(
            HttpServer server, ScheduledExecutorService scheduler, RootLock lock, Registry registry, boolean tls) {
        this.server = server;
        this.scheduler = scheduler;
        this.lock = lock;
        this.registry = registry;
        this.tls = tls;
    }

    /** Wires and starts a registry from a complete config ({@link RegistryConfig#withDefaults()}). */
    public static RegistryServer start(RegistryConfig config) {
        Path root = Path.of(config.root());
        RootLock lock = RootLock.acquire(root, "berth registry serve on " + config.addr());
        Registry registry = null;
        try {
            registry = Registry.open(root);
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
            GarbageCollector collector = registry.collector(config.gcDelay(), config.uploadTtl());
            Access access = new Access(authorizer, readOnly);
            Router router = new Router()
                    .install(new CatalogRoutes(registry.catalog(), access))
                    .install(new BlobRoutes(registry.blobs(), access))
                    .install(new UploadRoutes(registry.uploads(), registry.blobs(), access))
                    .install(new ManifestRoutes(registry.manifests(), access))
                    .install(new ReferrerRoutes(registry.referrers(), access))
                    .install(new GcRoutes(collector, access));
            if (tokens != null) {
                router.install(new TokenRoutes(tokens));
            }
            SslContext ssl = config.tls() == null ? null : sslContext(config.tls());
            InetSocketAddress address = parseAddress(config.addr());
            HttpServer server = new HttpServer(
                    "registry",
                    List.of(Listener.tcp(config.addr(), address, ssl)),
                    new HttpService(router, new ErrorResponses(), HEADERS),
                    Duration.ZERO);
            server.start();
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("registry-gc").factory());
            RegistryServer running = new RegistryServer(server, scheduler, lock, registry, ssl != null);
            running.schedule(registry, collector, config);
            warmUpDigests();
            log.info(
                    "berth registry serving {} on {}{}{}",
                    root,
                    running.address(),
                    ssl != null ? " (TLS)" : "",
                    readOnly ? " read-only" : "");
            return running;
        } catch (RuntimeException e) {
            if (registry != null) {
                registry.close();
            }
            lock.close();
            throw e;
        }
    }

    private void schedule(Registry registry, GarbageCollector collector, RegistryConfig config) {
        // Abandoned upload sessions end even when nobody collects garbage (spec: "the server
        // SHOULD eventually timeout unfinished uploads").
        every(
                Duration.ofHours(1),
                "purging idle uploads",
                () -> registry.uploads().purge(Instant.now().minus(config.uploadTtl())));
        every(
                Duration.ofMinutes(5),
                "closing idle upload files",
                () -> registry.uploads().closeIdleWriters(Instant.now().minus(Duration.ofMinutes(10))));
        if (config.gc().intervalSeconds() > 0) {
            every(
                    Duration.ofSeconds(config.gc().intervalSeconds()),
                    "scheduled garbage collection",
                    collector::collect);
        }
    }

    private void every(Duration period, String what, Runnable task) {
        scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        log.error("{} failed", what, e);
                    }
                },
                period.toMillis(),
                period.toMillis(),
                TimeUnit.MILLISECONDS);
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

    public InetSocketAddress address() {
        return (InetSocketAddress) server.boundAddresses().getFirst();
    }

    public boolean tls() {
        return tls;
    }

    /** Blocks until the server closes. */
    public void awaitClose() {
        server.awaitClose();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        server.close();
        registry.close();
        lock.close();
    }
}
