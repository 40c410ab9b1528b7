package dev.berth.engine.distribution;

import java.io.InputStream;

/**
 * An open blob download: the body, the offset it starts at (the one asked for when the registry
 * honoured the Range, else 0), and the bytes it will carry (-1 when the registry did not say).
 */
public record BlobResponse(InputStream body, long offset, long length) implements AutoCloseable {
    @Override
    public void close() {
        try {
            body.close();
        } catch (java.io.IOException ignored) {
            // closing a half-read response only drops its connection
        }
    }
}
