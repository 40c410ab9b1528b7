package dev.berth.registry.http;

import dev.berth.core.digest.Digest;
import dev.berth.http.server.Request;
import dev.berth.http.server.Response;
import dev.berth.http.server.Router;
import dev.berth.http.server.Routes;
import dev.berth.registry.auth.Scope;
import dev.berth.registry.blob.Blobs;
import dev.berth.registry.error.OciError;
import dev.berth.registry.error.RegistryException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Pulling (GET, HEAD with single byte ranges) and deleting blobs: end-2, end-10. */
final class BlobRoutes implements Routes {
    static final String BLOB = "/v2/{name}/blobs/{digest:[^/]+}";
    private static final Pattern RANGE = Pattern.compile("^bytes=(\\d*)-(\\d*)$");

    private final Blobs blobs;
    private final Access access;

    BlobRoutes(Blobs blobs, Access access) {
        this.blobs = blobs;
        this.access = access;
    }

    @Override
    public void register(Router router) {
        router.get(BLOB, this::get).head(BLOB, this::get).delete(BLOB, this::delete);
    }

    private Response delete(Request r) {
        String name = Access.name(r);
        access.requireWrite(r, Scope.repository(name, Scope.DELETE));
        blobs.delete(name, RegistryException.digest(r.param("digest")));
        return Response.status(202);
    }

    private Response get(Request r) {
        String name = Access.name(r);
        access.require(r, Scope.repository(name, Scope.PULL));
        Digest digest = RegistryException.digest(r.param("digest"));
        Blobs.StoredBlob blob = blobs.blob(name, digest);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Docker-Content-Digest", digest.toString());
        h.put("Accept-Ranges", "bytes");
        h.put("ETag", "\"" + digest + "\"");
        h.put("Cache-Control", "max-age=31536000");
        long size = blob.size();
        if (r.method().equals("HEAD")) {
            return Response.file(200, "application/octet-stream", blob.file(), 0, size)
                    .withHeaders(h);
        }
        String range = r.header("Range");
        long start = 0;
        long end = size - 1;
        boolean partial = false;
        if (range != null) {
            Matcher m = RANGE.matcher(range.trim());
            // Only single byte ranges; anything else is ignored, as RFC 9110 section 14.2 allows.
            if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                if (m.group(1).isEmpty()) {
                    long suffix = Long.parseLong(m.group(2));
                    start = suffix == 0 ? size : Math.max(0, size - suffix);
                } else {
                    start = Long.parseLong(m.group(1));
                    if (!m.group(2).isEmpty()) {
                        end = Math.min(Long.parseLong(m.group(2)), size - 1);
                    }
                }
                if (start >= size
                        || (!m.group(1).isEmpty() && !m.group(2).isEmpty() && Long.parseLong(m.group(2)) < start)) {
                    h.put("Content-Range", "bytes */" + size);
                    RegistryException unsatisfiable = RegistryException.withDetail(
                                    OciError.SIZE_INVALID,
                                    Map.of("digest", digest.toString(), "size", size, "range", range),
                                    "range %s not satisfiable: blob %s has %d bytes",
                                    range,
                                    digest,
                                    size)
                            .withStatus(416);
                    for (var header : h.entrySet()) {
                        unsatisfiable = unsatisfiable.withHeader(header.getKey(), header.getValue());
                    }
                    throw unsatisfiable;
                }
                partial = true;
                h.put("Content-Range", "bytes " + start + "-" + end + "/" + size);
            }
        }
        return Response.file(partial ? 206 : 200, "application/octet-stream", blob.file(), start, end - start + 1)
                .withHeaders(h);
    }
}
