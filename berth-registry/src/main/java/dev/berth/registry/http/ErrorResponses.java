package dev.berth.registry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.error.BerthException;
import dev.berth.registry.OciError;
import dev.berth.registry.RegistryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place where failures become OCI error responses (status + JSON body of the spec's
 * "Error Codes" section). Registry errors carry their code; Berth errors are mapped by kind.
 */
final class ErrorResponses {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Response(int status, byte[] body) {}

    private ErrorResponses() {}

    static RegistryException from(Throwable t) {
        if (t instanceof RegistryException re) {
            return re;
        }
        if (t instanceof BerthException be) {
            OciError code = switch (be.kind()) {
                case INVALID_ARGUMENT, CONFLICT, ALREADY_EXISTS -> OciError.UNSUPPORTED;
                case NOT_FOUND -> OciError.BLOB_UNKNOWN;
                case UNAUTHORIZED -> OciError.UNAUTHORIZED;
                case FORBIDDEN -> OciError.DENIED;
                case DATA_LOSS -> OciError.DIGEST_INVALID;
                case NOT_IMPLEMENTED -> OciError.UNSUPPORTED;
                case UNAVAILABLE, INTERNAL -> null;
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
            if (code != null) {
                return new RegistryException(
                        status, List.of(new RegistryException.Entry(code, be.getMessage(), Map.of())));
            }
            return new RegistryException(
                    status, List.of(new RegistryException.Entry(OciError.UNSUPPORTED, be.getMessage(), Map.of())));
        }
        return new RegistryException(
                500, List.of(new RegistryException.Entry(OciError.UNSUPPORTED, "internal error: " + t, Map.of())));
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
