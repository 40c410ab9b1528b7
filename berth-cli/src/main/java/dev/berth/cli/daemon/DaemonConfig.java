package dev.berth.cli.daemon;

import dev.berth.engine.distribution.RegistrySettings;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The daemon's settings, as given on its command line (defaults as Docker's, under berth names).
 *
 * @param tls what the tcp:// listeners serve (--tls/--tlsverify, files already read), or null for plain HTTP
 */
public record DaemonConfig(
        Path dataRoot,
        Path execRoot,
        List<URI> hosts,
        RegistrySettings registries,
        String defaultRuntime,
        SslContext tls) {
    public static final Path DEFAULT_DATA_ROOT = Path.of("/var/lib/berth");
    /** Berth's own shim; runc and crun are offered beside it when installed. */
    public static final String DEFAULT_RUNTIME = "berth";

    public static final Path DEFAULT_EXEC_ROOT = Path.of("/run/berth");
    public static final URI DEFAULT_HOST = URI.create("unix:///run/berth/berth.sock");

    public DaemonConfig {
        hosts = List.copyOf(hosts);
        defaultRuntime = defaultRuntime == null || defaultRuntime.isEmpty() ? DEFAULT_RUNTIME : defaultRuntime;
    }

    public DaemonConfig(Path dataRoot, Path execRoot, List<URI> hosts, RegistrySettings registries) {
        this(dataRoot, execRoot, hosts, registries, DEFAULT_RUNTIME, null);
    }
}
