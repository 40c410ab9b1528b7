package dev.berth.http.server;

/**
 * One endpoint: decode the {@link Request}, call one service method, return a {@link Response}.
 * Runs on a virtual thread of its own, so it may block on disk, locks or processes. Failures are
 * thrown; the service's {@link ErrorMapper} turns them into the answer.
 */
@FunctionalInterface
public interface Handler {
    Response handle(Request request) throws Exception;
}
