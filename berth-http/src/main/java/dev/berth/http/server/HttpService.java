package dev.berth.http.server;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a service contributes to the server: its route table, its error mapper, the headers every
 * one of its responses carries (Docker's {@code Api-Version}, the registry's
 * {@code Docker-Distribution-API-Version}), and, for the Docker API, the prefix its paths may
 * start with and the guards every matched request passes.
 *
 * @param pathPrefix what a path may start with before a {@code /} (Docker's {@code /v1.NN}), its
 *     first group handed to the handler as {@link Request#prefix()}; stripped before matching.
 *     Null: none.
 * @param guards checks that run, in order, on every matched request before its handler; they
 *     refuse by throwing (Docker's version check)
 */
public record HttpService(
        Router router, ErrorMapper errors, Map<String, String> headers, Pattern pathPrefix, List<Guard> guards) {
    /** A check every matched request passes before its handler runs. */
    @FunctionalInterface
    public interface Guard {
        void check(Request request) throws Exception;
    }

    public HttpService {
        Objects.requireNonNull(router);
        Objects.requireNonNull(errors);
        headers = Map.copyOf(headers);
        guards = List.copyOf(guards);
    }

    /** A service without prefix or guards. */
    public HttpService(Router router, ErrorMapper errors, Map<String, String> headers) {
        this(router, errors, headers, null, List.of());
    }

    /** A decoded path split into the prefix's group (null: no prefix) and the rest. */
    record Path(String prefix, String rest) {}

    Path split(String path) {
        if (pathPrefix != null) {
            Matcher m = pathPrefix.matcher(path);
            if (m.lookingAt() && path.startsWith("/", m.end())) {
                return new Path(m.group(1), path.substring(m.end()));
            }
        }
        return new Path(null, path);
    }
}
