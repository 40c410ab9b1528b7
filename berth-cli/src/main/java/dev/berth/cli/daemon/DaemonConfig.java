package dev.berth.cli.daemon;

import dev.berth.engine.distribution.RegistrySettings;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/** The daemon's settings, as given on its command line (defaults as Docker's, under berth names). */
public record DaemonConfig(Path dataRoot, Path execRoot, List<URI> hosts, RegistrySettings registries) {
    public static final Path DEFAULT_DATA_ROOT = Path.of("/var/lib/berth");
    public static final Path DEFAULT_EXEC_ROOT = Path.of("/run/berth");
    public static final URI DEFAULT_HOST = URI.create("unix:///run/berth/berth.sock");

    public DaemonConfig {
        hosts = List.copyOf(hosts);
    }
}
