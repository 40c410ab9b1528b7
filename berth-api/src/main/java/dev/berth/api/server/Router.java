package dev.berth.api.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a method and a path template to a {@link Handler}.
 *
 * <p>Templates are paths such as {@code /images/{name}/json}. A {@code {param}} matches one or
 * more characters <em>including slashes</em>, as Docker's {@code {name:.*}} does, so
 * {@code /images/localhost:5000/foo/bar:1/json} gives {@code name = localhost:5000/foo/bar:1}.
 * Where several templates match one request, the one with fewer parameters wins, then the one
 * with more literal text (so {@code /containers/{name}/attach/ws} beats
 * {@code /containers/{name}/ws}); the order of registration does not matter. Templates are
 * written without the {@code /v1.NN} prefix; the server strips it.
 */
public final class Router {
    private final List<Route> routes = new ArrayList<>();

    public Router get(String template, Handler handler) {
        return add("GET", template, handler);
    }

    public Router head(String template, Handler handler) {
        return add("HEAD", template, handler);
    }

    public Router post(String template, Handler handler) {
        return add("POST", template, handler);
    }

    public Router put(String template, Handler handler) {
        return add("PUT", template, handler);
    }

    public Router delete(String template, Handler handler) {
        return add("DELETE", template, handler);
    }

    /** Adds every endpoint of {@code group}. */
    public Router install(Routes group) {
        group.register(this);
        return this;
    }

    public synchronized Router add(String method, String template, Handler handler) {
        Objects.requireNonNull(handler, "handler");
        Route route = Route.compile(method, template, handler);
        for (Route existing : routes) {
            if (existing.method.equals(route.method) && existing.template.equals(route.template)) {
                throw new IllegalArgumentException("route registered twice: " + method + " " + template);
            }
        }
        routes.add(route);
        routes.sort(Route.PRECEDENCE);
        return this;
    }

    /** The handler for {@code method} and the decoded, unversioned {@code path}, with its path parameters. */
    public synchronized Optional<Match> match(String method, String path) {
        for (Route route : routes) {
            if (!route.method.equals(method)) {
                continue;
            }
            Matcher m = route.pattern.matcher(path);
            if (m.matches()) {
                Map<String, String> params = new LinkedHashMap<>();
                for (int i = 0; i < route.params.size(); i++) {
                    params.put(route.params.get(i), m.group(i + 1));
                }
                return Optional.of(new Match(route.template, route.handler, params));
            }
        }
        return Optional.empty();
    }

    /** A matched route: its template, handler and the values of its {@code {params}}. */
    public record Match(String template, Handler handler, Map<String, String> params) {
        public Match {
            params = Map.copyOf(params);
        }
    }

    private record Route(
            String method, String template, Pattern pattern, List<String> params, int literalLength, Handler handler) {
        static final Comparator<Route> PRECEDENCE = Comparator.<Route>comparingInt(r -> r.params.size())
                .thenComparing(Comparator.comparingInt(Route::literalLength).reversed());

        private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z0-9_]+)}");

        static Route compile(String method, String template, Handler handler) {
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
                regex.append("(.+)");
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
                    method.toUpperCase(java.util.Locale.ROOT),
                    template,
                    Pattern.compile(regex.toString(), Pattern.DOTALL),
                    List.copyOf(params),
                    literal,
                    handler);
        }
    }
}
