package dev.berth.api.server;

/**
 * One endpoint: decode the {@link Request}, call one service method, return a {@link Response}.
 * Runs on a virtual thread, so it may block on disk, locks or processes. Throw
 * {@link dev.berth.core.error.BerthException} for failures; the server maps its kind to the HTTP
 * status (see {@link ErrorMapping}).
 */
@FunctionalInterface
public interface Handler {
    Response handle(Request request) throws Exception;
}
