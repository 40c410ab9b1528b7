package dev.berth.it;

import dev.berth.testing.Prerequisites;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's distribution registry ({@code /usr/bin/docker-registry}, distribution 2.8) on
 * 127.0.0.1 and a free port, with a private storage root; optionally with htpasswd basic auth.
 */
public final class TestRegistry implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Path dir;
    private final int port;
    private final ServerProcess process;

    private TestRegistry(Path dir, int port, ServerProcess process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    public static void require() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(BINARY)) {
            missing.add("docker-registry (apt-get install docker-registry)");
        }
        Prerequisites.require(missing);
    }

    public static TestRegistry start() {
        return start(null, null);
    }

    /** With htpasswd auth for {@code user}/{@code password} (made by {@code htpasswd -B}) when user is not null. */
    public static TestRegistry start(String user, String password) {
        require();
        try {
            Path dir = Files.createTempDirectory("berth-registry-it-");
            int port = freePort();
            StringBuilder config = new StringBuilder("""
                    version: 0.1
                    log:
                      level: warn
                    storage:
                      filesystem:
                        rootdirectory: %s
                      delete:
                        enabled: true
                    http:
                      addr: 127.0.0.1:%d
                    """.formatted(dir.resolve("root"), port));
            if (user != null) {
                Files.writeString(dir.resolve("htpasswd"), htpasswdLine(user, password));
                config.append("""
                        auth:
                          htpasswd:
                            realm: berth-it
                            path: %s
                        """.formatted(dir.resolve("htpasswd")));
            }
            Files.writeString(dir.resolve("config.yml"), config);
            String address = "127.0.0.1:" + port;
            ServerProcess process = ServerProcess.start(
                    "docker-registry",
                    List.of(
                            BINARY.toString(),
                            "serve",
                            dir.resolve("config.yml").toString()),
                    dir.resolve("registry.log"),
                    Duration.ofSeconds(30),
                    () -> answers(address));
            return new TestRegistry(dir, port, process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code user:$2y$…}, made by {@code htpasswd -Bbn} (apache2-utils) where it is installed, else
     * by the same bcrypt library the Berth registry checks with (same $2y$ format).
     */
    static String htpasswdLine(String user, String password) {
        if (Prerequisites.findOnPath("htpasswd") != null) {
            return Commands.run(List.of("htpasswd", "-Bbn", user, password), java.util.Map.of(), null)
                            .ok()
                            .strip() + "\n";
        }
        return user + ":"
                + at.favre.lib.crypto.bcrypt.BCrypt.with(at.favre.lib.crypto.bcrypt.BCrypt.Version.VERSION_2Y)
                        .hashToString(5, password.toCharArray())
                + "\n";
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Whether a registry on {@code address} answers {@code GET /v2/} (200, or 401 when it wants a login). */
    static boolean answers(String address) {
        try {
            HttpURLConnection c = (HttpURLConnection)
                    URI.create("http://" + address + "/v2/").toURL().openConnection();
            c.setConnectTimeout(500);
            int status = c.getResponseCode();
            c.disconnect();
            return status == 200 || status == 401;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code 127.0.0.1:PORT}, the domain to put in image names. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public String log() {
        return process.log();
    }

    @Override
    public void close() {
        process.stop();
        ServerProcess.removeDir(dir);
    }
}
