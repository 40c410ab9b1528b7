package dev.berth.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Build contexts for the build tests: directories of files, and files served over HTTP on 127.0.0.1. */
final class BuildContexts {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private BuildContexts() {}

    /** A new context directory under {@code scratch} with {@code files} (path → content). */
    static Path context(Path scratch, Map<String, String> files) {
        try {
            Path dir = Files.createDirectories(scratch.resolve("ctx-" + NAMES.incrementAndGet()));
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path file = dir.resolve(f.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, f.getValue());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The context of {@link #context} as a tar archive made by tar(1), as a user would make it. */
    static Path tar(Path scratch, Map<String, String> files) {
        Path dir = context(scratch, files);
        Path tar = scratch.resolve(dir.getFileName() + ".tar");
        Commands.run(List.of("tar", "-cf", tar.toString(), "-C", dir.toString(), "."), Map.of(), null)
                .ok();
        return tar;
    }

    /** Files served at {@code http://127.0.0.1:<port>/<name>}; stop it with {@link #close}. */
    static final class FileServer implements AutoCloseable {
        private final HttpServer server;
        private final Map<String, byte[]> files = new ConcurrentHashMap<>();

        FileServer() {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/", exchange -> {
                byte[] body = files.get(exchange.getRequestURI().getPath().substring(1));
                if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                } else {
                    exchange.getResponseHeaders().add("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
                exchange.close();
            });
            server.start();
        }

        String put(String name, byte[] content) {
            files.put(name, content);
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name;
        }

        String put(String name, String content) {
            return put(name, content.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
