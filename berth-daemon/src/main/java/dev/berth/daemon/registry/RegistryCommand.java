package dev.berth.daemon.registry;

import dev.berth.core.error.BerthException;
import dev.berth.registry.Registry;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.gc.GarbageCollector;
import dev.berth.registry.http.RegistryServer;
import dev.berth.registry.storage.RootLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code berth registry serve|gc}: the OCI Distribution server in the same program. */
@Command(
        name = "registry",
        description = "Run or maintain a Berth OCI registry",
        subcommands = {RegistryCommand.Serve.class, RegistryCommand.Gc.class})
public final class RegistryCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Print usage")
    boolean help;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

    /** {@code 90}, {@code 90s}, {@code 10m}, {@code 1h}, {@code 7d}. */
    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw BerthException.invalid("invalid duration %s (use e.g. 30s, 10m, 1h)", text);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }

    @Command(name = "serve", description = "Serve the OCI Distribution API from a root directory")
    static final class Serve implements Runnable {
        @Spec
        CommandSpec spec;

        @Option(
                names = {"-h", "--help"},
                usageHelp = true,
                description = "Print usage")
        boolean help;

        @Option(
                names = "--addr",
                paramLabel = "HOST:PORT",
                description = "Address to listen on (default 127.0.0.1:5000)")
        String addr;

        @Option(names = "--root", paramLabel = "DIR", description = "Directory holding blobs, repositories and uploads")
        Path root;

        @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON settings; flags override them")
        Path config;

        @Option(
                names = "--htpasswd",
                paramLabel = "FILE",
                description = "htpasswd file with bcrypt entries (htpasswd -B)")
        Path htpasswd;

        @Option(names = "--auth", paramLabel = "TYPE", description = "none, basic (default with --htpasswd) or token")
        String auth;

        @Option(
                names = "--token-realm",
                paramLabel = "URL",
                description = "Token realm to announce (default: this server's /token)")
        String tokenRealm;

        @Option(
                names = "--token-service",
                paramLabel = "NAME",
                description = "Token service name (default berth-registry)")
        String tokenService;

        @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate (chain) for TLS")
        Path tlsCert;

        @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key (PKCS#8) for TLS")
        Path tlsKey;

        @Option(names = "--read-only", description = "Refuse pushes and deletes")
        Boolean readOnly;

        @Option(
                names = "--gc-interval",
                paramLabel = "DURATION",
                description = "Collect garbage every so often (default: only on POST /_berth/gc)")
        String gcInterval;

        @Option(
                names = "--gc-delay",
                paramLabel = "DURATION",
                description = "Never collect a blob linked or used more recently (default 1h)")
        String gcDelay;

        @Override
        public void run() {
            RegistryConfig file = config == null ? RegistryConfig.empty() : RegistryConfig.load(config);
            RegistryConfig.Auth a = auth == null && htpasswd == null && tokenRealm == null && tokenService == null
                    ? null
                    : new RegistryConfig.Auth(
                            auth, htpasswd == null ? null : htpasswd.toString(), tokenRealm, tokenService, null);
            RegistryConfig.Tls t = tlsCert == null && tlsKey == null
                    ? null
                    : new RegistryConfig.Tls(
                            tlsCert == null ? null : tlsCert.toString(), tlsKey == null ? null : tlsKey.toString());
            RegistryConfig.Gc g = gcInterval == null && gcDelay == null
                    ? null
                    : new RegistryConfig.Gc(
                            gcDelay == null ? null : duration(gcDelay).toSeconds(),
                            gcInterval == null ? null : duration(gcInterval).toSeconds(),
                            null);
            RegistryConfig flags = new RegistryConfig(addr, root == null ? null : root.toString(), readOnly, t, a, g);
            RegistryConfig effective = file.overriddenBy(flags).withDefaults();
            RegistryServer server = RegistryServer.start(effective);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                server.close();
                                stopped.countDown();
                            },
                            "registry-shutdown"));
            var out = spec.commandLine().getOut();
            out.println("berth registry listening on " + (server.tls() ? "https://" : "http://")
                    + server.address().getHostString() + ":" + server.address().getPort() + " (root " + effective.root()
                    + ")");
            out.flush();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Command(
            name = "gc",
            description =
                    "Remove blobs that no manifest references (offline; a serving registry collects on POST /_berth/gc)")
    static final class Gc implements Runnable {
        @Spec
        CommandSpec spec;

        @Option(
                names = {"-h", "--help"},
                usageHelp = true,
                description = "Print usage")
        boolean help;

        @Option(names = "--root", paramLabel = "DIR", required = true, description = "Registry root directory")
        Path root;

        @Option(
                names = "--delay",
                paramLabel = "DURATION",
                defaultValue = "1h",
                description = "Keep blobs linked or used more recently than this (default 1h; 0 collects all)")
        String delay;

        @Option(
                names = "--upload-ttl",
                paramLabel = "DURATION",
                defaultValue = "7d",
                description = "End upload sessions idle longer than this (default 7d)")
        String uploadTtl;

        @Override
        public void run() {
            try (RootLock lock = RootLock.acquire(root, "berth registry gc");
                    Registry registry = Registry.open(root)) {
                GarbageCollector.Report r =
                        registry.collector(duration(delay), duration(uploadTtl)).collect();
                var out = spec.commandLine().getOut();
                out.printf(
                        "%d manifests, %d blobs in use, %d blobs deleted (%d bytes), %d stale uploads ended%n",
                        r.manifests(), r.marked(), r.deleted().size(), r.bytesFreed(), r.uploadsPurged());
                r.deleted().forEach(d -> out.println("deleted " + d));
                out.flush();
            }
        }
    }
}
