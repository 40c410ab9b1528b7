package dev.berth.registry.http;

import dev.berth.http.server.Request;
import dev.berth.http.server.Response;
import dev.berth.http.server.Router;
import dev.berth.http.server.Routes;
import dev.berth.registry.auth.Scope;
import dev.berth.registry.catalog.Catalog;
import dev.berth.registry.storage.Page;
import java.util.Map;

/** The base check (end-1, {@code /v2/}) and the repository list ({@code /v2/_catalog}). */
final class CatalogRoutes implements Routes {
    private final Catalog catalog;
    private final Access access;

    CatalogRoutes(Catalog catalog, Access access) {
        this.catalog = catalog;
        this.access = access;
    }

    @Override
    public void register(Router router) {
        for (String base : new String[] {"/v2", "/v2/"}) {
            router.get(base, this::base).head(base, this::base);
        }
        router.get("/v2/_catalog", this::catalog);
    }

    private Response base(Request r) {
        access.require(r, null);
        return Json.response(Map.of());
    }

    private Response catalog(Request r) {
        access.require(r, Scope.catalog());
        int n = Paging.pageSize(r);
        Page page = catalog.repositories(n, r.query("last"));
        Response answer = Json.response(Map.of("repositories", page.items()));
        String next = Paging.next("/v2/_catalog", n, page);
        return next == null ? answer : answer.withHeader("Link", next);
    }
}
