package dev.berth.cli.client;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.http.ResponseHead;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.concurrent.Future;

/**
 * A successful answer whose body is read as it arrives. Closing it closes the connection and
 * reports a failure to read the request body's source (a file that could not be read to the end),
 * which matters more than whatever the daemon made of the truncated upload.
 */
public final class ApiResponse implements AutoCloseable {
    private final int status;
    private final ResponseHead head;
    private final InputStream body;
    private final Connection connection;
    private final Future<IOException> upload;

    ApiResponse(ResponseHead head, InputStream body, Connection connection, Future<IOException> upload) {
        this.status = head.status();
        this.head = head;
        this.body = body;
        this.connection = connection;
        this.upload = upload;
    }

    public int status() {
        return status;
    }

    /** A response header, by case-insensitive name, or null. */
    public String header(String name) {
        return head.header(name).orElse(null);
    }

    /** True when the body is JSON (a single document or a stream of messages). */
    public boolean isJson() {
        String type = header("content-type");
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json");
    }

    public InputStream body() {
        return body;
    }

    /**
     * The connection's sending side, for a hijacked (101) stream: bytes written go to the
     * container's stdin. {@link #closeWrite} ends that input and keeps reading possible.
     */
    public java.io.OutputStream output() {
        return connection.output();
    }

    /** Half-closes the connection: the daemon sees the end of stdin, output still arrives. */
    public void closeWrite() {
        try {
            connection.shutdownOutput();
        } catch (IOException e) {
            // already closed: nothing more to end
        }
    }

    /** Reads the rest of the body; for small answers only. */
    public byte[] readAll() {
        try {
            return body.readAllBytes();
        } catch (IOException e) {
            throw ApiClient.broken(e);
        }
    }

    /** The upload's own failure, if reading its source failed; waits for the upload to end. */
    IOException uploadFailure() {
        if (upload == null) {
            return null;
        }
        try {
            return upload.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        IOException failure = uploadFailure();
        if (failure != null) {
            throw new BerthException(
                    ErrorKind.INTERNAL, "error reading the input to send: " + failure.getMessage(), failure);
        }
    }
}
