package dev.berth.registry.http;

import dev.berth.registry.config.RegistryConfig;
import java.nio.file.Path;

/** Starts a registry on 127.0.0.1 with an ephemeral port and a private root. */
public final class RegistryFixture implements AutoCloseable {
    public final RegistryServer server;
    public final RegistryClient client;

    private RegistryFixture(RegistryServer server) {
        this.server = server;
        this.client = new RegistryClient("http://127.0.0.1:" + server.address().getPort());
    }

    public static RegistryFixture start(Path root) {
        return start(root, RegistryConfig.empty());
    }

    public static RegistryFixture start(Path root, RegistryConfig over) {
        RegistryConfig base = new RegistryConfig("127.0.0.1:0", root.toString(), null, null, null, null);
        return new RegistryFixture(RegistryServer.start(base.overriddenBy(over).withDefaults()));
    }

    public int port() {
        return server.address().getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
