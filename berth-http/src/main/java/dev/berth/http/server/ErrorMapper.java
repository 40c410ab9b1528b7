package dev.berth.http.server;

/**
 * A service's one boundary from failures to answers: the Docker API answers
 * {@code {"message": …}} with moby's statuses, the registry the OCI error body with its codes. The
 * server asks it for every answer it does not get from a handler.
 */
public interface ErrorMapper {
    /** The answer to a request whose handler (or a guard) threw {@code failure}; logs it as it deserves. */
    Response failure(Throwable failure, String requestLine);

    /** Logs a failure that can no longer be answered (the response had started, or the client left). */
    void report(Throwable failure, String requestLine);

    /**
     * The answer to a request the server refuses before any handler: malformed (400), a bad Host
     * header (400), a body over its route's limit (413).
     */
    Response refusal(int status, String message);

    /** The answer when no route takes {@code method path}; {@code pathKnown}: another method would. */
    Response noRoute(String method, String path, boolean pathKnown);

    /** The text a client sees for {@code failure}: its message, or its class when it has none. */
    static String messageOf(Throwable failure) {
        String m = failure.getMessage();
        return m == null || m.isBlank() ? failure.getClass().getSimpleName() : m;
    }
}
