package dev.berth.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.http.ResponseHead;
import dev.berth.http.client.ClientRequest;
import dev.berth.http.client.ClientResponse;
import dev.berth.http.client.ConnectFailedException;
import dev.berth.http.client.HttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * The one caller of the daemon's Engine API: owns the connection, the API version and the
 * translation of failures. A daemon error ({@code {"message": …}} with a 4xx/5xx status) becomes a
 * {@link BerthException} whose kind follows the status and whose message reads like docker's
 * ("Error response from daemon: …"); a daemon that does not answer becomes UNAVAILABLE with
 * "Cannot connect to the Berth daemon at … Is the berth daemon running?".
 */
public final class ApiClient {
    /** The newest Engine API version this client speaks. */
    public static final String API_VERSION = "1.50";
    /** The oldest version the daemon may offer for us to still talk to it (docker's own floor). */
    private static final String MIN_API_VERSION = "1.24";

    /** How long a failed upload's own error is waited for once the daemon answered. */
    private static final Duration SOURCE_FAILURE_WAIT = Duration.ofMillis(200);

    private final DaemonHost host;
    private final HttpClient http = new HttpClient(Duration.ZERO, "Berth-Client/0.1 (linux)");
    private String versionPrefix;

    public ApiClient(DaemonHost host) {
        this.host = host;
    }

    public DaemonHost host() {
        return host;
    }

    /**
     * Sends {@code request} and returns the open response when the daemon accepted it; the caller
     * closes it. Any other status is thrown as the daemon's error.
     */
    public ApiResponse send(ApiRequest request) {
        return exchange(request, versionPrefix());
    }

    /** Sends {@code request} and parses its JSON answer. */
    public JsonNode json(ApiRequest request) {
        try (ApiResponse response = send(request)) {
            byte[] body = response.readAll();
            if (body.length == 0) {
                return NullNode.getInstance();
            }
            try {
                return JsonTree.parse(body);
            } catch (IOException e) {
                throw new BerthException(
                        ErrorKind.INTERNAL,
                        "the daemon answered %s with malformed JSON: %s".formatted(request, e.getMessage()),
                        e);
            }
        }
    }

    /** Sends {@code request} and ignores its body. */
    public void call(ApiRequest request) {
        try (ApiResponse response = send(request)) {
            response.readAll();
        }
    }

    /** The negotiated API version ("1.50", or lower when the daemon is older), asking once. */
    public String apiVersion() {
        String prefix = versionPrefix();
        return prefix.substring(2);
    }

    private String versionPrefix() {
        if (versionPrefix == null) {
            String offered = null;
            try (ApiResponse ping = exchange(ApiRequest.get("/_ping"), "")) {
                ping.readAll();
                offered = ping.header("api-version");
            } catch (BerthException e) {
                if (e.kind() == ErrorKind.UNAVAILABLE) {
                    throw e;
                }
            }
            versionPrefix = "/v" + negotiate(offered);
        }
        return versionPrefix;
    }

    /** docker's rule: the lower of ours and the daemon's; an unknown daemon version means ours. */
    static String negotiate(String offered) {
        if (offered == null || !offered.matches("\\d+\\.\\d+")) {
            return API_VERSION;
        }
        if (compareVersions(offered, MIN_API_VERSION) < 0) {
            throw BerthException.unavailable(
                    "the daemon at this address speaks API version %s, older than %s, which berth needs",
                    offered, MIN_API_VERSION);
        }
        return compareVersions(offered, API_VERSION) < 0 ? offered : API_VERSION;
    }

    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        int major = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
        return major != 0 ? major : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
    }

    private ApiResponse exchange(ApiRequest request, String prefix) {
        ClientRequest out = ClientRequest.of(request.method, request.target(prefix));
        request.headers.forEach(out::header);
        if (request.headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Connection"))) {
            out.header("Connection", "close");
        }
        if (request.bytes != null) {
            out.body(request.bytes);
        } else if (request.stream != null) {
            out.bodyOnce(request.stream, request.streamLength);
        }
        ClientResponse response;
        try {
            response = http.send(host.target(), out);
        } catch (ConnectFailedException e) {
            throw cannotConnect(e);
        } catch (HttpClient.SourceFailureException e) {
            throw inputFailure((IOException) e.getCause());
        } catch (IOException e) {
            throw brokenBeforeAnswer(e);
        }
        if (response.status() >= 400) {
            String error;
            try (response) {
                error = readError(response.body());
            }
            IOException local = response.sourceFailure(SOURCE_FAILURE_WAIT);
            if (local != null) {
                throw inputFailure(local);
            }
            throw daemonError(request, response.head(), error);
        }
        return new ApiResponse(response);
    }

    /** The daemon could not be reached: the socket, its permissions, or TLS. */
    private BerthException cannotConnect(ConnectFailedException failure) {
        Throwable e = failure.getCause();
        if (e instanceof SSLException) {
            return new BerthException(
                    ErrorKind.UNAVAILABLE,
                    "error during connect: TLS with the Berth daemon at " + host + " failed: " + e.getMessage(),
                    e);
        }
        if (host.socket() != null && Files.exists(host.socket()) && !Files.isWritable(host.socket())) {
            return new BerthException(
                    ErrorKind.UNAVAILABLE,
                    "permission denied while trying to connect to the Berth daemon socket at " + host,
                    e);
        }
        return new BerthException(
                ErrorKind.UNAVAILABLE,
                "Cannot connect to the Berth daemon at " + host + ". Is the berth daemon running?",
                e);
    }

    /** The upload's own source could not be read: that matters more than what the daemon made of the cut body. */
    static BerthException inputFailure(IOException local) {
        return new BerthException(ErrorKind.INTERNAL, "error reading the input to send: " + local.getMessage(), local);
    }

    private static String readError(InputStream body) {
        try {
            byte[] bytes = body.readNBytes(1 << 20);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The daemon's error body as docker shows it. */
    static BerthException daemonError(ApiRequest request, ResponseHead head, String body) {
        String message = body.strip();
        if (message.startsWith("{")) {
            try {
                JsonNode parsed = JsonTree.parse(message);
                if (parsed.hasNonNull("message")) {
                    message = parsed.get("message").asText();
                }
            } catch (IOException ignored) {
                // not JSON after all: show the text as it is
            }
        }
        if (message.isEmpty()) {
            return new BerthException(
                    kindOf(head.status()),
                    "request returned %d %s for API route %s, check if the server supports the requested API version"
                            .formatted(head.status(), head.reason(), request));
        }
        return new BerthException(kindOf(head.status()), "Error response from daemon: " + message);
    }

    /** HTTP status → error kind; the inverse of the daemon's kind → status mapping. */
    public static ErrorKind kindOf(int status) {
        return switch (status) {
            case 400 -> ErrorKind.INVALID_ARGUMENT;
            case 401 -> ErrorKind.UNAUTHORIZED;
            case 403 -> ErrorKind.FORBIDDEN;
            case 404 -> ErrorKind.NOT_FOUND;
            case 409 -> ErrorKind.CONFLICT;
            case 501 -> ErrorKind.NOT_IMPLEMENTED;
            case 503 -> ErrorKind.UNAVAILABLE;
            default -> ErrorKind.INTERNAL;
        };
    }

    /**
     * A connection that broke before the answer. Over TLS 1.3 a daemon that refuses our client
     * certificate (or our lack of one) says so only after our side of the handshake, as an alert or
     * a reset on the first read, so that is what such a break most likely means.
     */
    private BerthException brokenBeforeAnswer(IOException e) {
        if (host.tls() == null) {
            return broken(e);
        }
        return new BerthException(
                ErrorKind.UNAVAILABLE,
                "error during connect: the Berth daemon at " + host
                        + " ended the TLS connection: " + e.getMessage()
                        + " (if it refused this client: a daemon started with "
                        + "--tlsverify needs a client certificate signed by its CA: --tlscert and --tlskey, or cert.pem and key.pem "
                        + "in DOCKER_CERT_PATH)",
                e);
    }

    static BerthException broken(IOException e) {
        return new BerthException(
                ErrorKind.UNAVAILABLE,
                "error during connect: the connection to the Berth daemon broke: " + e.getMessage(),
                e);
    }
}
