package dev.berth.cli.client;

import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One call of the Engine API: method, unversioned path ("/images/json"), query, headers and an
 * optional body that is either a few bytes (JSON) or a stream sent as it is read (a tar of
 * gigabytes from a file or stdin).
 */
public final class ApiRequest {
    final String method;
    final String path;
    final List<Map.Entry<String, String>> query = new ArrayList<>();
    final Map<String, String> headers = new LinkedHashMap<>();
    byte[] bytes;
    InputStream stream;
    /** Length of {@link #stream}, or -1 to send it chunked. */
    long streamLength = -1;

    private ApiRequest(String method, String path) {
        this.method = method;
        this.path = path;
    }

    public static ApiRequest get(String path) {
        return new ApiRequest("GET", path);
    }

    public static ApiRequest head(String path) {
        return new ApiRequest("HEAD", path);
    }

    public static ApiRequest post(String path) {
        return new ApiRequest("POST", path);
    }

    public static ApiRequest delete(String path) {
        return new ApiRequest("DELETE", path);
    }

    /** Adds a query parameter; a null value is left out. Repeat the name for a list. */
    public ApiRequest query(String name, String value) {
        if (value != null) {
            query.add(Map.entry(name, value));
        }
        return this;
    }

    /** Adds {@code name=1} when {@code flag} is set, as docker's client does for booleans. */
    public ApiRequest flag(String name, boolean flag) {
        return flag ? query(name, "1") : this;
    }

    public ApiRequest header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public ApiRequest body(byte[] body, String contentType) {
        this.bytes = body;
        return header("Content-Type", contentType);
    }

    /** A streamed body; {@code length} -1 sends it with chunked transfer encoding. */
    public ApiRequest body(InputStream body, long length, String contentType) {
        this.stream = body;
        this.streamLength = length;
        return header("Content-Type", contentType);
    }

    public String method() {
        return method;
    }

    /** The path with its percent-encoded query, under the given version prefix ("" or "/v1.50"). */
    String target(String versionPrefix) {
        StringBuilder out = new StringBuilder(versionPrefix).append(encodePath(path));
        char separator = '?';
        for (Map.Entry<String, String> parameter : query) {
            out.append(separator)
                    .append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
            separator = '&';
        }
        return out.toString();
    }

    /** Escapes what may not stand in a path; image names keep their '/', ':' and '@'. */
    static String encodePath(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "-._~/:@+!$&'()*,;=".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return method + " " + target("");
    }
}
