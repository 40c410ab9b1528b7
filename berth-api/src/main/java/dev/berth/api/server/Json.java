package dev.berth.api.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.berth.core.error.BerthException;
import dev.berth.http.server.Request;
import dev.berth.http.server.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The API's one JSON mapper: lenient on unknown fields (clients send more than we read). */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {}

    /** 200 with {@code value} as one JSON document ({@code application/json}, newline-terminated like Docker's). */
    public static Response response(Object value) {
        return response(200, value);
    }

    public static Response response(int status, Object value) {
        return Response.bytes(status, "application/json", encodeLine(value));
    }

    /**
     * The request's body parsed as JSON into {@code type}; {@code null} for an empty body.
     * Malformed JSON is a 400 with the parser's message.
     */
    public static <T> T body(Request request, Class<T> type) {
        try {
            byte[] bytes = request.body().readAllBytes();
            if (bytes.length == 0 || new String(bytes, StandardCharsets.UTF_8).isBlank()) {
                return null;
            }
            return MAPPER.readValue(bytes, type);
        } catch (JsonProcessingException e) {
            throw BerthException.invalid("invalid JSON body: %s", firstLine(e));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the request body", e);
        }
    }

    /** Encodes {@code value} followed by a newline, as Go's {@code json.Encoder} does. */
    public static byte[] encodeLine(Object value) {
        try {
            byte[] json = MAPPER.writeValueAsBytes(value);
            byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
            line[json.length] = '\n';
            return line;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getName() + " as JSON", e);
        }
    }

    static String firstLine(JsonProcessingException e) {
        return e.getOriginalMessage().lines().findFirst().orElse("malformed JSON");
    }
}
