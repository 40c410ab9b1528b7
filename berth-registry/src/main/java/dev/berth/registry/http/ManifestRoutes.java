package dev.berth.registry.http;

import dev.berth.core.digest.Digest;
import dev.berth.http.server.Request;
import dev.berth.http.server.Response;
import dev.berth.http.server.Router;
import dev.berth.http.server.Routes;
import dev.berth.registry.auth.Scope;
import dev.berth.registry.manifest.AcceptedTypes;
import dev.berth.registry.manifest.Manifests;
import dev.berth.registry.storage.Page;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Manifests and tags: pulling (end-3), pushing (end-7), deleting (end-9), listing tags (end-8a/b). */
final class ManifestRoutes implements Routes {
    private static final String MANIFEST = "/v2/{name}/manifests/{reference:[^/]+}";

    private final Manifests manifests;
    private final Access access;

    ManifestRoutes(Manifests manifests, Access access) {
        this.manifests = manifests;
        this.access = access;
    }

    @Override
    public void register(Router router) {
        router.get(MANIFEST, this::get)
                .head(MANIFEST, this::get)
                // The limit is the manifests' own (MANIFEST_INVALID, 413), checked by the handler.
                .put(MANIFEST, Router.STREAM, this::put)
                .delete(MANIFEST, this::delete)
                .get("/v2/{name}/tags/list", this::tags);
    }

    private Response get(Request r) throws IOException {
        String name = Access.name(r);
        access.require(r, Scope.repository(name, Scope.PULL));
        Manifests.StoredManifest mf = manifests.manifest(
                name, r.param("reference"), AcceptedTypes.parse(r.headers().getAll("Accept")));
        String etag = "\"" + mf.digest() + "\"";
        if (etagMatches(r.headers().getAll("If-None-Match"), mf.digest())) {
            return Response.status(304).withHeader("ETag", etag);
        }
        return Response.bytes(mf.mediaType(), mf.bytes())
                .withHeader("ETag", etag)
                .withHeader("Docker-Content-Digest", mf.digest().toString());
    }

    /** If-None-Match with the manifest's digest, quoted or not (as distribution accepts it). */
    private static boolean etagMatches(List<String> values, Digest digest) {
        for (String v : values) {
            for (String tag : v.split(",")) {
                String t = tag.strip();
                if (t.equals(digest.toString()) || t.equals("\"" + digest + "\"")) {
                    return true;
                }
            }
        }
        return false;
    }

    private Response put(Request r) throws IOException {
        String name = Access.name(r);
        access.requireWrite(r, Scope.repository(name, Scope.PULL, Scope.PUSH));
        byte[] bytes = readLimited(r);
        String ct = r.header("Content-Type");
        if (ct != null) {
            int semi = ct.indexOf(';');
            ct = (semi >= 0 ? ct.substring(0, semi) : ct).trim();
        }
        List<String> extraTags = r.queryAll("tag");
        Manifests.PushedManifest pushed = manifests.put(name, r.param("reference"), ct, bytes, extraTags);
        Response answer = Response.status(201)
                .withHeader("Location", "/v2/" + name + "/manifests/" + pushed.digest())
                .withHeader("Docker-Content-Digest", pushed.digest().toString());
        if (pushed.subject() != null) {
            answer = answer.withHeader("OCI-Subject", pushed.subject().toString());
        }
        if (!extraTags.isEmpty()) {
            answer = answer.withHeader("OCI-Tag", String.join(", ", pushed.tags()));
        }
        return answer;
    }

    /** The pushed manifest, refused before a byte is read when its Content-Length is over the limit. */
    private static byte[] readLimited(Request r) throws IOException {
        if (r.contentLength() > Manifests.MAX_BYTES) {
            throw Manifests.tooLarge(r.contentLength());
        }
        InputStream in = r.body();
        byte[] bytes = in.readNBytes(Manifests.MAX_BYTES + 1);
        if (bytes.length > Manifests.MAX_BYTES) {
            throw Manifests.tooLarge(-1);
        }
        return bytes;
    }

    private Response delete(Request r) {
        String name = Access.name(r);
        access.requireWrite(r, Scope.repository(name, Scope.DELETE));
        manifests.delete(name, r.param("reference"));
        return Response.status(202);
    }

    private Response tags(Request r) {
        String name = Access.name(r);
        access.require(r, Scope.repository(name, Scope.PULL));
        int n = Paging.pageSize(r);
        Page page = manifests.tags(name, n, r.query("last"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("tags", page.items());
        Response answer = Json.response(body);
        String next = Paging.next("/v2/" + name + "/tags/list", n, page);
        return next == null ? answer : answer.withHeader("Link", next);
    }
}
