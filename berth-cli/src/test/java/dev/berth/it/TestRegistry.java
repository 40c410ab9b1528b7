package dev.berth.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's distribution registry ({@code /usr/bin/docker-registry}, distribution 2.8) on
 * 127.0.0.1 and a free port, with a private storage root; optionally with htpasswd basic auth.
 */
public final class TestRegistry implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Path dir;
    private final int port;
    private final Process process;

    private TestRegistry(Path dir, int port, Process process) {
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
            Process p = new ProcessBuilder(BINARY.toString(), "serve", dir.resolve("config.yml").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("registry.log").toFile())
                    .start();
            TestRegistry registry = new TestRegistry(dir, port, p);
            registry.awaitReady();
            return registry;
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
            return Commands.run(List.of("htpasswd", "-Bbn", user, password), java.util.Map.of(), null).ok().strip() + "\n";
        }
        return user + ":" + at.favre.lib.crypto.bcrypt.BCrypt.with(at.favre.lib.crypto.bcrypt.BCrypt.Version.VERSION_2Y)
                .hashToString(5, password.toCharArray()) + "\n";
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("docker-registry exited: " + log());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://" + address() + "/v2/").toURL().openConnection();
                c.setConnectTimeout(500);
                int status = c.getResponseCode();
                c.disconnect();
                if (status == 200 || status == 401) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("docker-registry did not answer within 30s: " + log());
    }

    /** {@code 127.0.0.1:PORT}, the domain to put in image names. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("registry.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
