package dev.berth.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.digest.Digest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A plain HTTP client for the tests: every call is a real request to the server on 127.0.0.1. */
public final class RegistryClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Response(int status, java.net.http.HttpHeaders headers, byte[] body) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + text(), e);
            }
        }

        /** The codes of an OCI error body. */
        public List<String> errorCodes() {
            List<String> codes = new ArrayList<>();
            json().path("errors").forEach(e -> codes.add(e.path("code").asText()));
            return codes;
        }
    }

    private final HttpClient http;
    private final String base;
    private String authorization;

    public RegistryClient(String base) {
        this(
                base,
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
    }

    public RegistryClient(String base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    public RegistryClient withAuthorization(String value) {
        RegistryClient c = new RegistryClient(base, http);
        c.authorization = value;
        return c;
    }

    public Response send(String method, String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public Response get(String path) {
        return send("GET", path, null, Map.of());
    }

    public Response get(String path, Map<String, String> headers) {
        return send("GET", path, null, headers);
    }

    public Response head(String path) {
        return send("HEAD", path, null, Map.of());
    }

    public Response delete(String path) {
        return send("DELETE", path, null, Map.of());
    }

    public Response post(String path, byte[] body) {
        return send("POST", path, body, Map.of("Content-Type", "application/octet-stream"));
    }

    public Response patch(String path, byte[] body, String contentRange) {
        return send(
                "PATCH",
                path,
                body,
                contentRange == null
                        ? Map.of("Content-Type", "application/octet-stream")
                        : Map.of("Content-Type", "application/octet-stream", "Content-Range", contentRange));
    }

    public Response put(String path, byte[] body, String contentType) {
        return send("PUT", path, body, contentType == null ? Map.of() : Map.of("Content-Type", contentType));
    }

    /** Pushes a blob in one POST and returns its digest. */
    public Digest pushBlob(String repo, byte[] data) {
        Digest d = Digest.sha256(data);
        Response r = post("/v2/" + repo + "/blobs/uploads/?digest=" + d, data);
        if (r.status() != 201) {
            throw new AssertionError("blob push failed: " + r.status() + " " + r.text());
        }
        return d;
    }

    public static String withQuery(String location, String query) {
        return location + (location.contains("?") ? "&" : "?") + query;
    }
}
