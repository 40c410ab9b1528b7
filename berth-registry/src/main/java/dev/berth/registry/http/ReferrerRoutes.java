package dev.berth.registry.http;

import dev.berth.core.digest.Digest;
import dev.berth.http.server.Request;
import dev.berth.http.server.Response;
import dev.berth.http.server.Router;
import dev.berth.http.server.Routes;
import dev.berth.registry.auth.Scope;
import dev.berth.registry.error.RegistryException;
import dev.berth.registry.manifest.MediaTypes;
import dev.berth.registry.referrer.Referrers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The referrers list (end-12a/b), paged like the tags list (spec: a Link header when the
 * descriptors cannot all be returned in one index): {@code n} caps a page, {@code last} continues
 * after a referrer digest, and the filter carries over to the next page's link.
 */
final class ReferrerRoutes implements Routes {
    private final Referrers referrers;
    private final Access access;

    ReferrerRoutes(Referrers referrers, Access access) {
        this.referrers = referrers;
        this.access = access;
    }

    @Override
    public void register(Router router) {
        router.get("/v2/{name}/referrers/{digest:[^/]+}", this::list);
    }

    private Response list(Request r) {
        String name = Access.name(r);
        access.require(r, Scope.repository(name, Scope.PULL));
        Digest subject = RegistryException.digest(r.param("digest"));
        String artifactType = r.query("artifactType");
        String last = r.query("last");
        if (last != null) {
            RegistryException.digest(last);
        }
        int n = Paging.pageSize(r);
        Referrers.ReferrersPage page = referrers.list(name, subject, artifactType, n, last);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schemaVersion", 2);
        body.put("mediaType", MediaTypes.OCI_INDEX);
        body.put("manifests", page.descriptors());
        Response answer = Json.response(200, MediaTypes.OCI_INDEX, body);
        if (artifactType != null) {
            answer = answer.withHeader("OCI-Filters-Applied", "artifactType");
        }
        if (page.more()) {
            // The client's own n carries over: a page cut short by its size must not shrink the next.
            String next = "/v2/" + name + "/referrers/" + subject + "?" + (n < 0 ? "" : "n=" + n + "&")
                    + "last=" + URLEncoder.encode(page.last(), StandardCharsets.UTF_8)
                    + (artifactType == null
                            ? ""
                            : "&artifactType=" + URLEncoder.encode(artifactType, StandardCharsets.UTF_8));
            answer = answer.withHeader("Link", "<" + next + ">; rel=\"next\"");
        }
        return answer;
    }
}
