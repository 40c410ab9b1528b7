package dev.berth.registry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.error.BerthException;
import dev.berth.http.server.ErrorMapper;
import dev.berth.http.server.Response;
import dev.berth.registry.error.OciError;
import dev.berth.registry.error.RegistryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become OCI error responses (status + JSON body of the spec's
 * "Error Codes" section). Registry errors carry their code and headers; Berth errors are mapped
 * by kind; what the server refuses itself gets the code its status stands for.
 */
final class ErrorResponses implements ErrorMapper {
    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static RegistryException from(Throwable t) {
        if (t instanceof RegistryException re) {
            return re;
        }
        if (t instanceof BerthException be) {
            OciError code = switch (be.kind()) {
                case INVALID_ARGUMENT, CONFLICT, ALREADY_EXISTS, NOT_IMPLEMENTED -> OciError.UNSUPPORTED;
                case NOT_FOUND -> OciError.BLOB_UNKNOWN;
                case UNAUTHORIZED -> OciError.UNAUTHORIZED;
                case FORBIDDEN -> OciError.DENIED;
                case DATA_LOSS -> OciError.DIGEST_INVALID;
                case UNAVAILABLE, INTERNAL -> OciError.UNSUPPORTED;
            };
            int status = switch (be.kind()) {
                case INVALID_ARGUMENT, DATA_LOSS -> 400;
                case CONFLICT, ALREADY_EXISTS -> 409;
                case NOT_FOUND -> 404;
                case UNAUTHORIZED -> 401;
                case FORBIDDEN -> 403;
                case NOT_IMPLEMENTED -> 405;
                case UNAVAILABLE -> 503;
                case INTERNAL -> 500;
            };
            return new RegistryException(status, List.of(new RegistryException.Entry(code, be.getMessage(), Map.of())));
        }
        return new RegistryException(
                500, List.of(new RegistryException.Entry(OciError.UNSUPPORTED, "internal error: " + t, Map.of())));
    }

    @Override
    public Response failure(Throwable failure, String requestLine) {
        RegistryException e = from(failure);
        if (e.status() >= 500) {
            log.error("{} failed", requestLine, failure);
        }
        return answer(e);
    }

    @Override
    public void report(Throwable failure, String requestLine) {
        log.warn("{} failed after its response started: {}", requestLine, failure.toString());
    }

    /** A malformed request, a bad Host header (400), a body over the route's limit (413). */
    @Override
    public Response refusal(int status, String message) {
        OciError code = status == 413 ? OciError.SIZE_INVALID : OciError.UNSUPPORTED;
        return answer(RegistryException.of(code, "%s", message).withStatus(status));
    }

    @Override
    public Response noRoute(String method, String path, boolean pathKnown) {
        return answer(
                pathKnown
                        ? RegistryException.of(OciError.UNSUPPORTED, "method %s not allowed here", method)
                        : RegistryException.of(OciError.UNSUPPORTED, "no such endpoint: %s", path)
                                .withStatus(404));
    }

    private static Response answer(RegistryException e) {
        return Response.bytes(e.status(), "application/json", body(e)).withHeaders(e.headers());
    }

    static byte[] body(RegistryException e) {
        List<Map<String, Object>> errors = e.errors().stream()
                .map(en -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    // 5xx are not the spec's codes (those are for 4XX); say what they are.
                    m.put(
                            "code",
                            e.status() >= 500
                                    ? (e.status() == 503 ? "UNAVAILABLE" : "UNKNOWN")
                                    : en.code().name());
                    m.put("message", en.message());
                    m.put("detail", en.detail());
                    return m;
                })
                .toList();
        try {
            return JSON.writeValueAsBytes(Map.of("errors", errors));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
