package dev.berth.engine.distribution;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.core.digest.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A registry on 127.0.0.1 (JDK HttpServer) that serves what a test puts in it, with Bearer token
 * auth, and can misbehave on purpose: cut a blob off half-way, or send wrong bytes. Records the
 * requests so tests can see what the client asked for (Range headers, token fetches).
 */
final class FakeRegistry implements AutoCloseable {
    record Seen(String method, String path, String range, String authorization) {}

    private final HttpServer server;
    private final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
    private final Map<String, String> manifestTypes = new ConcurrentHashMap<>();
    private final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();
    final List<Seen> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger tokenRequests = new AtomicInteger();
    /** Blobs whose responses stop after half their bytes while this says so. */
    volatile Predicate<Digest> cutOff = d -> false;
    /** Blobs served with one byte flipped. */
    volatile Predicate<Digest> corrupt = d -> false;

    private static final String TOKEN = "token-for-tests";

    FakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/token", this::token);
        server.createContext("/v2/", this::v2);
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    void putBlob(byte[] bytes) {
        blobs.put(Digest.sha256(bytes), bytes);
    }

    Digest putManifest(String repo, String tag, String mediaType, byte[] bytes) {
        Digest d = Digest.sha256(bytes);
        manifests.put(repo + "@" + d, bytes);
        manifestTypes.put(repo + "@" + d, mediaType);
        if (tag != null) {
            manifests.put(repo + ":" + tag, bytes);
            manifestTypes.put(repo + ":" + tag, mediaType);
        }
        return d;
    }

    List<Seen> blobGets(Digest d) {
        return requests.stream()
                .filter(s -> s.method().equals("GET") && s.path().endsWith("/blobs/" + d))
                .toList();
    }

    private void token(HttpExchange x) throws IOException {
        tokenRequests.incrementAndGet();
        requests.add(new Seen(x.getRequestMethod(), x.getRequestURI().toString(), null, null));
        send(
                x,
                200,
                "application/json",
                ("{\"token\":\"" + TOKEN + "\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8));
    }

    private void v2(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        String auth = x.getRequestHeaders().getFirst("Authorization");
        requests.add(new Seen(x.getRequestMethod(), path, x.getRequestHeaders().getFirst("Range"), auth));
        if (!("Bearer " + TOKEN).equals(auth)) {
            String scope = path.equals("/v2/") ? "" : ",scope=\"repository:" + repoOf(path) + ":pull\"";
            x.getResponseHeaders()
                    .add(
                            "WWW-Authenticate",
                            "Bearer realm=\"http://" + address() + "/token\",service=\"fake\"" + scope);
            send(
                    x,
                    401,
                    "application/json",
                    "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}"
                            .getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (path.equals("/v2/")) {
            send(x, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String repo = repoOf(path);
        int manifestsAt = path.indexOf("/manifests/");
        if (manifestsAt >= 0) {
            String ref = path.substring(manifestsAt + "/manifests/".length());
            String key = repo + (ref.contains(":") ? "@" : ":") + ref;
            byte[] body = manifests.get(key);
            boolean knownRepository =
                    manifests.keySet().stream().anyMatch(k -> k.startsWith(repo + ":") || k.startsWith(repo + "@"));
            if (!knownRepository) {
                // As distribution answers for a repository nobody pushed to.
                send(
                        x,
                        404,
                        "application/json",
                        "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known to registry\"}]}"
                                .getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (body == null) {
                send(
                        x,
                        404,
                        "application/json",
                        "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}"
                                .getBytes(StandardCharsets.UTF_8));
                return;
            }
            x.getResponseHeaders()
                    .add("Docker-Content-Digest", Digest.sha256(body).toString());
            send(x, 200, manifestTypes.get(key), body);
            return;
        }
        int blobsAt = path.indexOf("/blobs/");
        Digest digest = Digest.parse(path.substring(blobsAt + "/blobs/".length()));
        byte[] blob = blobs.get(digest);
        if (blob == null) {
            send(
                    x,
                    404,
                    "application/json",
                    "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown\"}]}"
                            .getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (corrupt.test(digest)) {
            blob = blob.clone();
            blob[blob.length / 2] ^= 1;
        }
        String range = x.getRequestHeaders().getFirst("Range");
        int start = 0;
        int status = 200;
        if (range != null && range.startsWith("bytes=")) {
            start = Integer.parseInt(range.substring(6, range.indexOf('-')));
            status = 206;
            x.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (blob.length - 1) + "/" + blob.length);
        }
        x.getResponseHeaders().add("Content-Type", "application/octet-stream");
        x.sendResponseHeaders(status, blob.length - start);
        try (OutputStream out = x.getResponseBody()) {
            if (cutOff.test(digest)) {
                int half = Math.max(start + 1, (start + blob.length) / 2);
                out.write(blob, start, half - start);
                out.flush();
                // Abandon the exchange mid-body: the client sees the connection end early.
                throw new IOException("cut off on purpose");
            }
            out.write(blob, start, blob.length - start);
        }
    }

    private static String repoOf(String path) {
        String rest = path.substring("/v2/".length());
        for (String marker : new String[] {"/manifests/", "/blobs/"}) {
            int i = rest.indexOf(marker);
            if (i >= 0) {
                return rest.substring(0, i);
            }
        }
        return rest;
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().add("Content-Type", type);
        if (x.getRequestMethod().equals("HEAD")) {
            x.getResponseHeaders().add("Content-Length", String.valueOf(body.length));
            x.sendResponseHeaders(status, -1);
            x.close();
            return;
        }
        x.sendResponseHeaders(status, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
