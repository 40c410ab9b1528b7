package dev.berth.http.server;

/** Serves a hijacked connection (see {@link Response#hijack}); the connection closes when it returns. */
@FunctionalInterface
public interface HijackHandler {
    void handle(HijackedConnection connection) throws Exception;
}
