package dev.berth.http.server;

import dev.berth.core.error.BerthException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A service for the server's own tests: answers failures as {@code {"message":"…"}}, like the API. */
final class TestService implements ErrorMapper {
    static HttpService of(Router router) {
        return new HttpService(router, new TestService(), Map.of("Server", "test"));
    }

    static Response error(int status, String message) {
        String json = "{\"message\":\"" + message.replace("\"", "'") + "\"}\n";
        return Response.bytes(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Response failure(Throwable failure, String requestLine) {
        int status = failure instanceof BerthException e
                ? switch (e.kind()) {
                    case NOT_FOUND -> 404;
                    case INVALID_ARGUMENT -> 400;
                    default -> 500;
                }
                : 500;
        return error(status, ErrorMapper.messageOf(failure));
    }

    @Override
    public void report(Throwable failure, String requestLine) {}

    @Override
    public Response refusal(int status, String message) {
        return error(status, message);
    }

    @Override
    public Response noRoute(String method, String path, boolean pathKnown) {
        return pathKnown ? error(405, "method not allowed") : error(404, "page not found");
    }
}
