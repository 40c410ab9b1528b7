package dev.berth.registry.http;

import dev.berth.http.server.Request;
import dev.berth.http.server.Response;
import dev.berth.http.server.Router;
import dev.berth.http.server.Routes;
import dev.berth.registry.auth.TokenService;
import dev.berth.registry.error.OciError;
import dev.berth.registry.error.RegistryException;

/** The built-in token issuer ({@code /token}, Docker's token auth), when the registry serves token auth. */
final class TokenRoutes implements Routes {
    private final TokenService tokens;

    TokenRoutes(TokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    public void register(Router router) {
        router.get("/token", this::token);
    }

    private Response token(Request r) {
        TokenService.TokenResponse answer =
                tokens.tokenResponse(r.header("Authorization"), r.query("service"), r.queryAll("scope"));
        if (answer.status() == 401) {
            throw RegistryException.of(OciError.UNAUTHORIZED, "invalid username or password")
                    .withHeader("WWW-Authenticate", answer.challenge());
        }
        return Json.response(answer.status(), "application/json", answer.body());
    }
}
