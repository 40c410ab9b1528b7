package dev.berth.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** From a request line to a response, without a transport. */
class DispatchTest {
    private final Router router = new Router()
            .get("/info/{name}", r -> Response.text(r.prefix() + " " + r.path() + " " + r.param("name")))
            .delete("/images/{name}", r -> Response.noContent());

    private Response serve(HttpService service, String method, String uri) {
        return new Dispatch(service)
                .serve(method, uri, Request.Headers.of(Map.of()), new ByteArrayInputStream(new byte[0]), false);
    }

    private static String body(Response r) {
        return new String(((Response.Body.Bytes) r.body()).bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void anOptionalPrefixIsStrippedAndHandedOn() {
        HttpService service =
                new HttpService(router, new TestService(), Map.of(), Pattern.compile("/v([0-9.]+)"), List.of());
        assertThat(body(serve(service, "GET", "/v1.44/info/x%2Fy"))).isEqualTo("1.44 /info/x/y x/y");
        assertThat(body(serve(service, "GET", "/info/x"))).isEqualTo("null /info/x x");
        assertThat(serve(service, "GET", "/v1.44info/x").status())
                .as("the prefix ends at a slash")
                .isEqualTo(404);
    }

    @Test
    void guardsRunBeforeTheHandlerAndRefuseByThrowing() {
        HttpService service = new HttpService(router, new TestService(), Map.of(), null, List.of(r -> {
            if (r.path().contains("forbidden")) {
                throw dev.berth.core.error.BerthException.invalid("no");
            }
        }));
        assertThat(serve(service, "GET", "/info/forbidden").status()).isEqualTo(400);
        assertThat(serve(service, "GET", "/info/fine").status()).isEqualTo(200);
    }

    @Test
    void theMapperAnswersAnUnknownPathAndAWrongMethod() {
        HttpService service = TestService.of(router);
        assertThat(serve(service, "GET", "/nothing").status()).isEqualTo(404);
        assertThat(serve(service, "GET", "/images/busybox").status()).isEqualTo(405);
    }

    @Test
    void aHandlerFailureIsMapped() {
        Router failing = new Router().get("/boom", r -> {
            throw new IllegalStateException("kaboom");
        });
        Response r = serve(TestService.of(failing), "GET", "/boom");
        assertThat(r.status()).isEqualTo(500);
        assertThat(body(r)).contains("kaboom");
    }
}
