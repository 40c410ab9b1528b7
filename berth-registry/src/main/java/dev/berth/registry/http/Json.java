package dev.berth.registry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.http.server.Response;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The registry's JSON answers. */
final class Json {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Json() {}

    static Response response(int status, String contentType, Object body) {
        try {
            return Response.bytes(status, contentType, JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Response response(Object body) {
        return response(200, "application/json", body);
    }
}
