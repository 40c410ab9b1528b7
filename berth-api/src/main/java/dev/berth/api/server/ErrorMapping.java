package dev.berth.api.server;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.http.server.ErrorMapper;
import dev.berth.http.server.Response;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become Docker API responses: {@link ErrorKind} → HTTP status, body
 * {@code {"message":"…"}}, as moby's {@code httpstatus.FromError} and {@code makeErrorHandler}.
 * Docker answers an unknown path and a known path with the wrong method alike, 404
 * {@code page not found} (moby sets gorilla's MethodNotAllowedHandler to its notFoundHandler).
 */
public final class ErrorMapping implements ErrorMapper {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

    /**
     * The HTTP status of {@code kind}. DATA_LOSS is 500, as moby maps containerd's DataLoss: the
     * request was fine, the daemon's (or the upload's) bytes were not, and no 4xx fits that.
     */
    public static int status(ErrorKind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, CONFLICT -> 409;
            case NOT_IMPLEMENTED -> 501;
            case UNAVAILABLE -> 503;
            case DATA_LOSS, INTERNAL -> 500;
        };
    }

    /** The response for a failure; unexpected ones (not a BerthException, or INTERNAL) are logged with their stack. */
    @Override
    public Response failure(Throwable failure, String requestLine) {
        report(failure, requestLine);
        if (failure instanceof BerthException e) {
            return error(status(e.kind()), message(e));
        }
        return error(500, message(failure));
    }

    /** Logs {@code failure}: expected kinds briefly at debug, anything else with its stack. */
    @Override
    public void report(Throwable failure, String requestLine) {
        if (failure instanceof BerthException e && e.kind() != ErrorKind.INTERNAL) {
            log.debug("{}: {} {}", requestLine, e.kind(), e.getMessage());
        } else {
            log.error("{} failed", requestLine, failure);
        }
    }

    @Override
    public Response refusal(int status, String message) {
        return error(status, message);
    }

    @Override
    public Response noRoute(String method, String path, boolean pathKnown) {
        return error(404, "page not found");
    }

    /** A Docker error response: {@code status} with {@code {"message":…}}. */
    private static Response error(int status, String message) {
        return Json.response(status, Map.of("message", message));
    }

    /** The text a client sees for {@code failure}: its message, or its class when it has none. */
    public static String message(Throwable failure) {
        return ErrorMapper.messageOf(failure);
    }
}
