package dev.berth.api.server;

import dev.berth.core.error.BerthException;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * From a request line to a {@link Response}, without any transport: decodes the path and query,
 * strips and checks the {@code /v1.NN} prefix, finds the route, runs the handler and maps its
 * failure. Docker answers an unknown path and a known path with the wrong method alike, 404
 * {@code page not found} (moby sets gorilla's MethodNotAllowedHandler to its notFoundHandler).
 */
final class Dispatch {
    private static final Pattern VERSIONED = Pattern.compile("/v([0-9.]+)(/.*)");

    private final Router router;

    Dispatch(Router router) {
        this.router = router;
    }

    Response serve(String method, String uri, Request.Headers headers, InputStream body) {
        String requestLine = method + " " + uri;
        try {
            QueryStringDecoder decoded = new QueryStringDecoder(uri);
            String path = decoded.path();
            String version = null;
            Matcher m = VERSIONED.matcher(path);
            if (m.matches()) {
                version = m.group(1);
                path = m.group(2);
            }
            Optional<Router.Match> match = router.match(method, path);
            if (match.isEmpty()) {
                return ErrorMapping.error(404, "page not found");
            }
            ApiVersion apiVersion = version == null ? ApiVersion.CURRENT : checkVersion(version);
            Map<String, List<String>> query = decoded.parameters();
            Request request = new Request(method, path, apiVersion, match.get().params(), query, headers, body);
            Response response = match.get().handler().handle(request);
            if (response == null) {
                throw new IllegalStateException("handler for " + match.get().template() + " returned no response");
            }
            return response;
        } catch (Throwable t) {
            return ErrorMapping.toResponse(t, requestLine);
        }
    }

    /** moby's VersionMiddleware, with its messages. */
    private static ApiVersion checkVersion(String text) {
        ApiVersion v;
        try {
            v = ApiVersion.parse(text);
        } catch (BerthException e) {
            throw BerthException.invalid(
                    "client version %s is too old. Minimum supported API version is %s, "
                            + "please upgrade your client to a newer version",
                    text, ApiVersion.MINIMUM);
        }
        if (v.compareTo(ApiVersion.MINIMUM) < 0) {
            throw BerthException.invalid(
                    "client version %s is too old. Minimum supported API version is %s, "
                            + "please upgrade your client to a newer version",
                    text, ApiVersion.MINIMUM);
        }
        if (v.compareTo(ApiVersion.CURRENT) > 0) {
            throw BerthException.invalid(
                    "client version %s is too new. Maximum supported API version is %s", text, ApiVersion.CURRENT);
        }
        return v;
    }
}
