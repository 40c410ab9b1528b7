package dev.berth.http.server;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * From a request line to a {@link Response}, without any transport: decodes the path and query,
 * finds the route, runs the guards and the handler, and has the service's {@link ErrorMapper}
 * answer whatever fails. Never throws.
 */
final class Dispatch {
    private final HttpService service;

    Dispatch(HttpService service) {
        this.service = service;
    }

    HttpService service() {
        return service;
    }

    ErrorMapper errors() {
        return service.errors();
    }

    Response serve(String method, String uri, Request.Headers headers, InputStream body, boolean tls) {
        String requestLine = method + " " + uri;
        try {
            QueryStringDecoder decoded = new QueryStringDecoder(uri);
            HttpService.Path path = service.split(decoded.path());
            Router router = service.router();
            Optional<Router.Match> match = router.match(method, path.rest());
            if (match.isEmpty()) {
                return service.errors().noRoute(method, path.rest(), router.knowsPath(path.rest()));
            }
            Router.Match m = match.get();
            Map<String, List<String>> query = decoded.parameters();
            Request request =
                    new Request(method, uri, path.rest(), path.prefix(), m.params(), query, headers, body, tls);
            for (HttpService.Guard guard : service.guards()) {
                guard.check(request);
            }
            Response response = m.handler().handle(request);
            if (response == null) {
                throw new IllegalStateException("handler for " + m.template() + " returned no response");
            }
            return response;
        } catch (Throwable t) {
            return service.errors().failure(t, requestLine);
        }
    }

    /** The body limit of the route that takes {@code method uri}. */
    long maxBody(String method, String uri) {
        return service.router()
                .maxBody(
                        method,
                        service.split(new QueryStringDecoder(uri).path()).rest());
    }
}
