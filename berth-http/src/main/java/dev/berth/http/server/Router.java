package dev.berth.http.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The route table of one service: a method and a path template to a {@link Handler}, with the
 * largest request body the route takes.
 *
 * <p>Templates are paths such as {@code /images/{name}/json}. A {@code {param}} matches one or
 * more characters <em>including slashes</em>, as Docker's {@code {name:.*}} does, so
 * {@code /images/localhost:5000/foo/bar:1/json} gives {@code name = localhost:5000/foo/bar:1};
 * {@code {param:regex}} matches the regex instead (gorilla/mux's syntax, which moby and
 * distribution use). Where several templates match one request, the one with fewer parameters
 * wins, then the one with more literal text (so {@code /containers/{name}/attach/ws} beats
 * {@code /containers/{name}/ws}); the order of registration does not matter.
 * Templates are written without the prefix a service's paths may start with (Docker's
 * {@code /v1.NN}, see {@link HttpService}).
 */
public final class Router {
    /**
     * The body limit of a route that sets none: ample for any JSON document a client sends (a
     * container's whole configuration is kilobytes). A Content-Length beyond the limit is
     * answered 413 before any of the body is read.
     */
    public static final long DEFAULT_MAX_BODY = 16L << 20;
    /** The body limit of a route that takes a stream of any size (an upload, an image archive). */
    public static final long STREAM = Long.MAX_VALUE;

    private final List<Route> routes = new ArrayList<>();

    public Router get(String template, Handler handler) {
        return add("GET", template, DEFAULT_MAX_BODY, handler);
    }

    public Router head(String template, Handler handler) {
        return add("HEAD", template, DEFAULT_MAX_BODY, handler);
    }

    public Router post(String template, Handler handler) {
        return add("POST", template, DEFAULT_MAX_BODY, handler);
    }

    /** A POST whose body may be as large as {@code maxBody} ({@link #STREAM}: any size). */
    public Router post(String template, long maxBody, Handler handler) {
        return add("POST", template, maxBody, handler);
    }

    public Router put(String template, Handler handler) {
        return add("PUT", template, DEFAULT_MAX_BODY, handler);
    }

    public Router put(String template, long maxBody, Handler handler) {
        return add("PUT", template, maxBody, handler);
    }

    public Router patch(String template, long maxBody, Handler handler) {
        return add("PATCH", template, maxBody, handler);
    }

    public Router delete(String template, Handler handler) {
        return add("DELETE", template, DEFAULT_MAX_BODY, handler);
    }

    /** Adds every endpoint of {@code group}. */
    public Router install(Routes group) {
        group.register(this);
        return this;
    }

    public synchronized Router add(String method, String template, long maxBody, Handler handler) {
        Objects.requireNonNull(handler, "handler");
        if (maxBody < 0) {
            throw new IllegalArgumentException("negative body limit for " + method + " " + template);
        }
        Route route = Route.compile(method, template, maxBody, handler);
        for (Route existing : routes) {
            if (existing.method.equals(route.method) && existing.template.equals(route.template)) {
                throw new IllegalArgumentException("route registered twice: " + method + " " + template);
            }
        }
        routes.add(route);
        routes.sort(Route.PRECEDENCE);
        return this;
    }

    /** The route for {@code method} and the decoded, unprefixed {@code path}, with its path parameters. */
    public synchronized Optional<Match> match(String method, String path) {
        for (Route route : routes) {
            if (!route.method.equals(method)) {
                continue;
            }
            Matcher m = route.pattern.matcher(path);
            if (m.matches()) {
                Map<String, String> params = new LinkedHashMap<>();
                for (int i = 0; i < route.params.size(); i++) {
                    params.put(route.params.get(i), m.group("p" + i));
                }
                return Optional.of(new Match(route.template, route.handler, params, route.maxBody));
            }
        }
        return Optional.empty();
    }

    /** True when some route takes {@code path} with another method (the answer is then "method not allowed"). */
    public synchronized boolean knowsPath(String path) {
        return routes.stream().anyMatch(r -> r.pattern.matcher(path).matches());
    }

    /** The body limit for {@code method path}: the route's, or the default when no route matches. */
    long maxBody(String method, String path) {
        return match(method, path).map(Match::maxBody).orElse(DEFAULT_MAX_BODY);
    }

    /** A matched route: its template, handler, the values of its {@code {params}} and its body limit. */
    public record Match(String template, Handler handler, Map<String, String> params, long maxBody) {
        public Match {
            params = Map.copyOf(params);
        }
    }

    private record Route(
            String method,
            String template,
            Pattern pattern,
            List<String> params,
            int literalLength,
            long maxBody,
            Handler handler) {
        static final Comparator<Route> PRECEDENCE = Comparator.<Route>comparingInt(r -> r.params.size())
                .thenComparing(Comparator.comparingInt(Route::literalLength).reversed());

        private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z0-9_]+)(?::([^{}]+))?}");

        static Route compile(String method, String template, long maxBody, Handler handler) {
            if (!template.startsWith("/")) {
                throw new IllegalArgumentException("template must start with /: " + template);
            }
            StringBuilder regex = new StringBuilder();
            List<String> params = new ArrayList<>();
            Matcher m = PARAM.matcher(template);
            int last = 0;
            int literal = 0;
            while (m.find()) {
                regex.append(Pattern.quote(template.substring(last, m.start())));
                literal += m.start() - last;
                // Named, so that groups inside a {param:regex} do not shift the parameters' numbers.
                regex.append("(?<p")
                        .append(params.size())
                        .append('>')
                        .append(m.group(2) == null ? ".+" : m.group(2))
                        .append(')');
                params.add(m.group(1));
                last = m.end();
            }
            regex.append(Pattern.quote(template.substring(last)));
            literal += template.length() - last;
            String literals = PARAM.matcher(template).replaceAll("");
            if (literals.contains("{") || literals.contains("}")) {
                throw new IllegalArgumentException("malformed template: " + template);
            }
            return new Route(
                    method.toUpperCase(Locale.ROOT),
                    template,
                    Pattern.compile(regex.toString(), Pattern.DOTALL),
                    List.copyOf(params),
                    literal,
                    maxBody,
                    handler);
        }
    }
}
