package dev.berth.cli.daemon;

import dev.berth.api.server.ApiServer;
import dev.berth.api.tls.TlsFiles;
import dev.berth.core.error.BerthException;
import dev.berth.engine.distribution.RegistrySettings;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth daemon}: runs the daemon in the foreground until SIGTERM or SIGINT. */
@Command(
        name = "daemon",
        mixinStandardHelpOptions = true,
        description = "Run the Berth daemon in the foreground (serves the Docker Engine API).")
public final class DaemonCommand implements Callable<Integer> {
    @Option(
            names = "--data-root",
            paramLabel = "DIR",
            description = "Root of persistent state (default: ${DEFAULT-VALUE})")
    Path dataRoot = DaemonConfig.DEFAULT_DATA_ROOT;

    @Option(
            names = "--exec-root",
            paramLabel = "DIR",
            description = "Root of runtime state (default: ${DEFAULT-VALUE})")
    Path execRoot = DaemonConfig.DEFAULT_EXEC_ROOT;

    @Option(
            names = {"-H", "--host"},
            paramLabel = "URI",
            description = "Socket(s) to listen on: unix:///path or tcp://host:port (repeatable; default: "
                    + "unix:///run/berth/berth.sock)")
    List<String> hosts = List.of();

    @Option(
            names = {"-l", "--log-level"},
            paramLabel = "LEVEL",
            description = "debug, info, warn, error (default: ${DEFAULT-VALUE})")
    String logLevel = "info";

    @Option(names = "--registry-mirror", paramLabel = "URL", description = "Mirror for docker.io pulls (repeatable)")
    List<String> registryMirrors = List.of();

    @Option(
            names = "--insecure-registry",
            paramLabel = "HOST[:PORT]",
            description = "Registry reached over plain HTTP (repeatable; loopback registries always are)")
    List<String> insecureRegistries = List.of();

    @Option(
            names = "--max-concurrent-downloads",
            paramLabel = "N",
            description = "Layers pulled at once (default: ${DEFAULT-VALUE})")
    int maxConcurrentDownloads = 3;

    @Option(
            names = "--max-concurrent-uploads",
            paramLabel = "N",
            description = "Layers pushed at once (default: ${DEFAULT-VALUE})")
    int maxConcurrentUploads = 5;

    @Option(
            names = "--default-runtime",
            paramLabel = "NAME",
            description = "Runtime of containers created without --runtime: berth, or runc/crun when installed "
                    + "(default: ${DEFAULT-VALUE})")
    String defaultRuntime = DaemonConfig.DEFAULT_RUNTIME;

    @Option(
            names = "--tls",
            arity = "0..1",
            fallbackValue = "true",
            description = "Serve TLS on tcp:// listeners with --tlscert and --tlskey; implied by --tlsverify")
    boolean tls;

    @Option(
            names = "--tlsverify",
            arity = "0..1",
            fallbackValue = "true",
            description = "Serve TLS and require client certificates signed by --tlscacert "
                    + "(default: on when DOCKER_TLS_VERIFY is set)")
    Boolean tlsVerify;

    @Option(
            names = "--tlscacert",
            paramLabel = "FILE",
            description = "CA that signs client certificates (default: ~/.docker/ca.pem, or in $DOCKER_CERT_PATH)")
    Path tlsCaCert;

    @Option(
            names = "--tlscert",
            paramLabel = "FILE",
            description = "The daemon's TLS certificate (default: ~/.docker/cert.pem, or in $DOCKER_CERT_PATH)")
    Path tlsCert;

    @Option(
            names = "--tlskey",
            paramLabel = "FILE",
            description = "The daemon's TLS key (default: ~/.docker/key.pem, or in $DOCKER_CERT_PATH)")
    Path tlsKey;

    @Override
    public Integer call() {
        configureLogging(logLevel);
        List<URI> listen = hosts.isEmpty()
                ? List.of(DaemonConfig.DEFAULT_HOST)
                : hosts.stream().map(ApiServer::parseHost).toList();
        Daemon daemon;
        try {
            DaemonConfig config = new DaemonConfig(
                    dataRoot,
                    execRoot,
                    listen,
                    RegistrySettings.of(
                            registryMirrors, insecureRegistries, maxConcurrentDownloads, maxConcurrentUploads),
                    defaultRuntime,
                    serverTls(System.getenv()));
            daemon = Daemon.start(config);
        } catch (BerthException e) {
            System.err.println("berth daemon: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            daemon.close();
            stopped.countDown();
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The tcp:// listeners' TLS, its files read now so that a wrong one stops the start by name; null for plain. */
    SslContext serverTls(Map<String, String> env) {
        TlsFiles files = TlsFiles.forDaemon(tls, tlsVerify, tlsCaCert, tlsCert, tlsKey, env);
        return files == null ? null : files.serverContext();
    }

    private static void configureLogging(String level) {
        String normalized = switch (level.toLowerCase(java.util.Locale.ROOT)) {
            case "debug", "info", "warn", "error", "trace" -> level.toLowerCase(java.util.Locale.ROOT);
            case "warning" -> "warn";
            case "fatal", "panic" -> "error";
            default ->
                throw new picocli.CommandLine.ParameterException(
                        new picocli.CommandLine(new DaemonCommand()), "unknown log level: " + level);
        };
        // slf4j-simple reads these when the first logger is made, which is after this point.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", normalized);
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        // Netty's own debug output (epoll bookkeeping, buffer settings) drowns Berth's.
        System.setProperty("org.slf4j.simpleLogger.log.io.netty", "debug".equals(normalized) ? "info" : normalized);
    }
}
