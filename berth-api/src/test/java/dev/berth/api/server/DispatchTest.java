package dev.berth.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.error.BerthException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DispatchTest {
    private final Router router = new Router()
            .get(
                    "/echo/{name}",
                    r -> Response.json(Map.of(
                            "name", r.param("name"),
                            "version", r.version().toString(),
                            "all", r.bool("all"),
                            "allDefault", r.bool("missing", true),
                            "changes", r.queryAll("changes"))))
            .get("/missing", r -> {
                throw BerthException.notFound("No such image: %s", "nope:latest");
            })
            .get("/conflict", r -> {
                throw BerthException.conflict("conflict: unable to delete");
            })
            .get("/boom", r -> {
                throw new IllegalStateException("kaboom");
            })
            .post("/json", r -> Response.json(r.json(Map.class)));

    private Response serve(String method, String uri) {
        return serve(method, uri, "");
    }

    private Response serve(String method, String uri, String body) {
        return new Dispatch(router)
                .serve(
                        method,
                        uri,
                        Request.Headers.of(Map.of()),
                        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String body(Response r) {
        return new String(((Response.Body.Bytes) r.body()).bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void versionPrefixIsStrippedAndGivenToHandler() {
        Response r = serve("GET", "/v1.41/echo/localhost:5000/a/b:1?all=1&changes=CMD+sh&changes=ENV+A%3D1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(body(r))
                .contains(
                        "\"name\":\"localhost:5000/a/b:1\"",
                        "\"version\":\"1.41\"",
                        "\"all\":true",
                        "\"allDefault\":true",
                        "\"changes\":[\"CMD sh\",\"ENV A=1\"]");
    }

    @Test
    void unversionedPathGetsCurrentVersion() {
        assertThat(body(serve("GET", "/echo/x?all=False"))).contains("\"version\":\"1.50\"", "\"all\":false");
    }

    @Test
    void dockerBooleans() {
        for (String yes : new String[] {"1", "true", "True", "yes", "anything"}) {
            assertThat(body(serve("GET", "/echo/x?all=" + yes))).as(yes).contains("\"all\":true");
        }
        for (String no : new String[] {"0", "false", "FALSE", "no", "none", ""}) {
            assertThat(body(serve("GET", "/echo/x?all=" + no))).as(no).contains("\"all\":false");
        }
    }

    @Test
    void tooNewAndTooOldVersionsAreRejectedWithDockersMessages() {
        Response r = serve("GET", "/v1.51/echo/x");
        assertThat(r.status()).isEqualTo(400);
        assertThat(body(r))
                .isEqualTo("{\"message\":\"client version 1.51 is too new. Maximum supported API version is 1.50\"}\n");
        Response old = serve("GET", "/v1.23/echo/x");
        assertThat(old.status()).isEqualTo(400);
        assertThat(body(old))
                .contains("client version 1.23 is too old. Minimum supported API version is 1.24, "
                        + "please upgrade your client to a newer version");
        assertThat(serve("GET", "/v1.9/echo/x").status()).isEqualTo(400);
    }

    @Test
    void unknownPathAndWrongMethodArePageNotFound() {
        for (Response r :
                new Response[] {serve("GET", "/nothing"), serve("DELETE", "/echo/x"), serve("GET", "/v1.50/nothing")}) {
            assertThat(r.status()).isEqualTo(404);
            assertThat(body(r)).isEqualTo("{\"message\":\"page not found\"}\n");
        }
    }

    @Test
    void errorKindsMapToStatus() {
        Response missing = serve("GET", "/missing");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(body(missing)).contains("No such image: nope:latest");
        assertThat(serve("GET", "/conflict").status()).isEqualTo(409);
        Response boom = serve("GET", "/boom");
        assertThat(boom.status()).isEqualTo(500);
        assertThat(body(boom)).contains("kaboom");
    }

    @Test
    void malformedJsonBodyIs400() {
        Response r = serve("POST", "/json", "{oops");
        assertThat(r.status()).isEqualTo(400);
        assertThat(body(r)).contains("invalid JSON body");
        assertThat(body(serve("POST", "/json", "{\"a\":1}"))).isEqualTo("{\"a\":1}\n");
    }
}
