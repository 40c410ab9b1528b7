package dev.berth.cli.client;

import dev.berth.http.client.ClientResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Locale;

/**
 * A successful answer whose body is read as it arrives. Closing it closes the connection and
 * reports a failure to read the request body's source (a file that could not be read to the end),
 * which matters more than whatever the daemon made of the truncated upload.
 */
public final class ApiResponse implements AutoCloseable {
    private final ClientResponse response;

    ApiResponse(ClientResponse response) {
        this.response = response;
    }

    public int status() {
        return response.status();
    }

    /** A response header, by case-insensitive name, or null. */
    public String header(String name) {
        return response.header(name).orElse(null);
    }

    /** True when the body is JSON (a single document or a stream of messages). */
    public boolean isJson() {
        String type = header("content-type");
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json");
    }

    public InputStream body() {
        return response.body();
    }

    /**
     * The connection's sending side, for a hijacked (101) stream: bytes written go to the
     * container's stdin. {@link #closeWrite} ends that input and keeps reading possible.
     */
    public OutputStream output() {
        return response.output();
    }

    /** Half-closes the connection: the daemon sees the end of stdin, output still arrives. */
    public void closeWrite() {
        response.closeWrite();
    }

    /** Reads the rest of the body; for small answers only. */
    public byte[] readAll() {
        try {
            return response.body().readAllBytes();
        } catch (IOException e) {
            throw ApiClient.broken(e);
        }
    }

    @Override
    public void close() {
        response.close();
        // Closing the connection ends a writer blocked on it; its own failure, if any, is known then.
        IOException failure = response.sourceFailure(Duration.ofDays(1));
        if (failure != null) {
            throw ApiClient.inputFailure(failure);
        }
    }
}
