package dev.berth.registry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.content.BlobInfo;
import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.registry.OciError;
import dev.berth.registry.Registry;
import dev.berth.registry.RegistryException;
import dev.berth.registry.auth.Authorizer;
import dev.berth.registry.auth.Scope;
import dev.berth.registry.auth.TokenService;
import dev.berth.registry.gc.GarbageCollector;
import dev.berth.registry.manifest.AcceptedTypes;
import dev.berth.registry.manifest.MediaTypes;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints of the OCI Distribution Spec (the "Endpoints" table, end-1 … end-14), plus the
 * built-in token issuer ({@code /token}) and on-demand garbage collection
 * ({@code POST /_berth/gc}). Each endpoint decodes, checks access, calls one {@link Registry}
 * method and encodes; all failures go through {@link ErrorResponses}.
 */
final class Router {
    private static final Logger log = LoggerFactory.getLogger(Router.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern UPLOADS = Pattern.compile("^/v2/(.+)/blobs/uploads/?$");
    private static final Pattern UPLOAD = Pattern.compile("^/v2/(.+)/blobs/uploads/([^/]+)$");
    private static final Pattern BLOB = Pattern.compile("^/v2/(.+)/blobs/([^/]+)$");
    private static final Pattern MANIFEST = Pattern.compile("^/v2/(.+)/manifests/([^/]+)$");
    private static final Pattern TAGS = Pattern.compile("^/v2/(.+)/tags/list$");
    private static final Pattern REFERRERS = Pattern.compile("^/v2/(.+)/referrers/([^/]+)$");
    private static final Pattern CONTENT_RANGE = Pattern.compile("^(?:bytes[ =])?(\\d+)-(\\d+)(?:/(?:\\d+|\\*))?$");
    private static final Pattern RANGE = Pattern.compile("^bytes=(\\d*)-(\\d*)$");

    private final Registry registry;
    private final Authorizer authorizer;
    private final TokenService tokens;
    private final GarbageCollector collector;
    private final boolean readOnly;

    Router(
            Registry registry,
            Authorizer authorizer,
            TokenService tokens,
            GarbageCollector collector,
            boolean readOnly) {
        this.registry = registry;
        this.authorizer = authorizer;
        this.tokens = tokens;
        this.collector = collector;
        this.readOnly = readOnly;
    }

    void handle(Exchange ex) {
        try {
            route(ex);
        } catch (Throwable t) {
            fail(ex, t);
        }
    }

    void fail(Exchange ex, Throwable t) {
        fail(ex, t, new DefaultHttpHeaders());
    }

    private void fail(Exchange ex, Throwable t, HttpHeaders headers) {
        if (ex.responded()) {
            log.warn("{} {} failed after its response started: {}", ex.method(), ex.uri(), t.toString());
            return;
        }
        RegistryException e = ErrorResponses.from(t);
        if (e.status() >= 500) {
            log.error("{} {} failed", ex.method(), ex.uri(), t);
        }
        headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        ex.respond(HttpResponseStatus.valueOf(e.status()), headers, ErrorResponses.body(e));
    }

    private void route(Exchange ex) throws IOException {
        String path = ex.path();
        HttpMethod m = ex.method();
        Matcher mt;
        if (path.equals("/v2") || path.equals("/v2/")) {
            only(m, HttpMethod.GET, HttpMethod.HEAD);
            if (access(ex, null)) {
                json(ex, HttpResponseStatus.OK, new DefaultHttpHeaders(), Map.of());
            }
        } else if (path.equals("/v2/_catalog")) {
            only(m, HttpMethod.GET);
            if (access(ex, Scope.catalog())) {
                catalog(ex);
            }
        } else if ((mt = UPLOADS.matcher(path)).matches()) {
            only(m, HttpMethod.POST);
            String name = name(mt.group(1));
            if (access(ex, Scope.repository(name, Scope.PULL, Scope.PUSH)) && writable()) {
                startUpload(ex, name);
            }
        } else if ((mt = UPLOAD.matcher(path)).matches()) {
            only(m, HttpMethod.GET, HttpMethod.PATCH, HttpMethod.PUT, HttpMethod.DELETE);
            String name = name(mt.group(1));
            String uuid = mt.group(2);
            if (access(ex, Scope.repository(name, Scope.PULL, Scope.PUSH)) && writable()) {
                if (m.equals(HttpMethod.GET)) {
                    uploadStatus(ex, name, uuid);
                } else if (m.equals(HttpMethod.PATCH)) {
                    patchUpload(ex, name, uuid);
                } else if (m.equals(HttpMethod.PUT)) {
                    finishUpload(ex, name, uuid);
                } else {
                    registry.cancelUpload(name, uuid);
                    ex.respond(HttpResponseStatus.NO_CONTENT, new DefaultHttpHeaders(), new byte[0]);
                }
            }
        } else if ((mt = BLOB.matcher(path)).matches()) {
            only(m, HttpMethod.GET, HttpMethod.HEAD, HttpMethod.DELETE);
            String name = name(mt.group(1));
            if (m.equals(HttpMethod.DELETE)) {
                if (access(ex, Scope.repository(name, Scope.DELETE)) && writable()) {
                    registry.deleteBlob(name, digest(mt.group(2)));
                    ex.respond(HttpResponseStatus.ACCEPTED, new DefaultHttpHeaders(), new byte[0]);
                }
            } else if (access(ex, Scope.repository(name, Scope.PULL))) {
                getBlob(ex, name, digest(mt.group(2)));
            }
        } else if ((mt = MANIFEST.matcher(path)).matches()) {
            only(m, HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.DELETE);
            String name = name(mt.group(1));
            String ref = mt.group(2);
            if (m.equals(HttpMethod.PUT)) {
                if (access(ex, Scope.repository(name, Scope.PULL, Scope.PUSH)) && writable()) {
                    putManifest(ex, name, ref);
                }
            } else if (m.equals(HttpMethod.DELETE)) {
                if (access(ex, Scope.repository(name, Scope.DELETE)) && writable()) {
                    registry.deleteManifest(name, ref);
                    ex.respond(HttpResponseStatus.ACCEPTED, new DefaultHttpHeaders(), new byte[0]);
                }
            } else if (access(ex, Scope.repository(name, Scope.PULL))) {
                getManifest(ex, name, ref);
            }
        } else if ((mt = TAGS.matcher(path)).matches()) {
            only(m, HttpMethod.GET);
            String name = name(mt.group(1));
            if (access(ex, Scope.repository(name, Scope.PULL))) {
                tags(ex, name);
            }
        } else if ((mt = REFERRERS.matcher(path)).matches()) {
            only(m, HttpMethod.GET);
            String name = name(mt.group(1));
            if (access(ex, Scope.repository(name, Scope.PULL))) {
                referrers(ex, name, digest(mt.group(2)));
            }
        } else if (path.equals("/token") && tokens != null) {
            only(m, HttpMethod.GET);
            token(ex);
        } else if (path.equals("/_berth/gc")) {
            only(m, HttpMethod.POST);
            if (access(ex, Scope.catalog())) {
                GarbageCollector.Report r = collector.collect();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("manifests", r.manifests());
                body.put("blobsInUse", r.marked());
                body.put("deleted", r.deleted().stream().map(Digest::toString).toList());
                body.put("bytesFreed", r.bytesFreed());
                body.put("uploadsPurged", r.uploadsPurged());
                json(ex, HttpResponseStatus.OK, new DefaultHttpHeaders(), body);
            }
        } else {
            throw RegistryException.of(OciError.UNSUPPORTED, "no such endpoint: %s", path)
                    .withStatus(404);
        }
    }

    // --- access ------------------------------------------------------------------------------

    private static void only(HttpMethod actual, HttpMethod... allowed) {
        for (HttpMethod a : allowed) {
            if (a.equals(actual)) {
                return;
            }
        }
        throw RegistryException.of(OciError.UNSUPPORTED, "method %s not allowed here", actual);
    }

    private static String name(String name) {
        Registry.checkName(name);
        return name;
    }

    /** Checks credentials; on refusal answers 401 with the challenge and returns false. */
    private boolean access(Exchange ex, Scope needed) {
        Authorizer.Decision d = authorizer.authorize(
                ex.header(HttpHeaderNames.AUTHORIZATION), needed, ex.header(HttpHeaderNames.HOST), ex.tls());
        if (d.allowed()) {
            return true;
        }
        HttpHeaders h = new DefaultHttpHeaders();
        h.set(HttpHeaderNames.WWW_AUTHENTICATE, d.challenge());
        Map<String, Object> detail = needed == null
                ? Map.of()
                : Map.of("type", needed.type(), "name", needed.name(), "action", String.join(",", needed.actions()));
        fail(ex, RegistryException.withDetail(OciError.UNAUTHORIZED, detail, "%s", d.message()), h);
        return false;
    }

    private boolean writable() {
        if (readOnly) {
            throw RegistryException.of(OciError.UNSUPPORTED, "registry is in read-only mode");
        }
        return true;
    }

    private static Digest digest(String text) {
        try {
            return Digest.parse(text);
        } catch (BerthException e) {
            throw RegistryException.withDetail(OciError.DIGEST_INVALID, Map.of("digest", text), "%s", e.getMessage());
        }
    }

    // --- blobs -------------------------------------------------------------------------------

    private void getBlob(Exchange ex, String name, Digest digest) throws IOException {
        BlobInfo info = registry.blob(name, digest);
        HttpHeaders h = new DefaultHttpHeaders();
        h.set("Docker-Content-Digest", digest.toString());
        h.set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
        h.set(HttpHeaderNames.ETAG, "\"" + digest + "\"");
        h.set(HttpHeaderNames.CACHE_CONTROL, "max-age=31536000");
        long size = info.size();
        String range = ex.header(HttpHeaderNames.RANGE);
        long start = 0;
        long end = size - 1;
        boolean partial = false;
        if (range != null && ex.method().equals(HttpMethod.GET)) {
            Matcher r = RANGE.matcher(range.trim());
            // Only single byte ranges; anything else is ignored, as RFC 9110 section 14.2 allows.
            if (r.matches() && !(r.group(1).isEmpty() && r.group(2).isEmpty())) {
                if (r.group(1).isEmpty()) {
                    long suffix = Long.parseLong(r.group(2));
                    start = Math.max(0, size - suffix);
                    if (suffix == 0) {
                        start = size;
                    }
                } else {
                    start = Long.parseLong(r.group(1));
                    if (!r.group(2).isEmpty()) {
                        end = Math.min(Long.parseLong(r.group(2)), size - 1);
                    }
                }
                if (start >= size
                        || (!r.group(1).isEmpty() && !r.group(2).isEmpty() && Long.parseLong(r.group(2)) < start)) {
                    h.set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size);
                    fail(
                            ex,
                            RegistryException.withDetail(
                                            OciError.SIZE_INVALID,
                                            Map.of("digest", digest.toString(), "size", size, "range", range),
                                            "range %s not satisfiable: blob %s has %d bytes",
                                            range,
                                            digest,
                                            size)
                                    .withStatus(416),
                            h);
                    return;
                }
                partial = true;
                h.set(HttpHeaderNames.CONTENT_RANGE, "bytes " + start + "-" + end + "/" + size);
            }
        }
        h.set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
        long length = end - start + 1;
        if (ex.method().equals(HttpMethod.HEAD)) {
            h.set(HttpHeaderNames.CONTENT_LENGTH, size);
            ex.respond(HttpResponseStatus.OK, h, new byte[0]);
            return;
        }
        ex.respondFile(
                partial ? HttpResponseStatus.PARTIAL_CONTENT : HttpResponseStatus.OK,
                h,
                registry.blobStore().path(digest),
                start,
                length);
    }

    // --- uploads -----------------------------------------------------------------------------

    private static String uploadLocation(String name, String uuid) {
        return "/v2/" + name + "/blobs/uploads/" + uuid;
    }

    private static String range(long offset) {
        // As Docker's registry: "0-0" also for an empty upload.
        return "0-" + Math.max(0, offset - 1);
    }

    private void created(Exchange ex, String name, Digest digest) {
        HttpHeaders h = new DefaultHttpHeaders();
        h.set(HttpHeaderNames.LOCATION, "/v2/" + name + "/blobs/" + digest);
        h.set("Docker-Content-Digest", digest.toString());
        ex.respond(HttpResponseStatus.CREATED, h, new byte[0]);
    }

    private void sessionAccepted(Exchange ex, HttpResponseStatus status, Registry.UploadStatus st) {
        HttpHeaders h = new DefaultHttpHeaders();
        h.set(HttpHeaderNames.LOCATION, uploadLocation(st.repository(), st.uuid()));
        h.set(HttpHeaderNames.RANGE, range(st.offset()));
        h.set("Docker-Upload-UUID", st.uuid());
        ex.respond(status, h, new byte[0]);
    }

    private void startUpload(Exchange ex, String name) {
        String mount = ex.param("mount");
        String digestParam = ex.param("digest");
        if (mount != null) {
            Digest d = digest(mount);
            String from = ex.param("from");
            if (from != null && canPull(ex, from) && registry.mount(name, d, from)) {
                created(ex, name, d);
                return;
            }
        } else if (digestParam != null) {
            Digest d = digest(digestParam);
            BlobInfo info = registry.putBlob(name, d, ex.body(), ex.contentLength());
            created(ex, name, info.digest());
            return;
        }
        sessionAccepted(ex, HttpResponseStatus.ACCEPTED, registry.startUpload(name, ex.param("digest-algorithm")));
    }

    private boolean canPull(Exchange ex, String from) {
        try {
            Registry.checkName(from);
        } catch (RegistryException e) {
            return false;
        }
        return authorizer
                .authorize(
                        ex.header(HttpHeaderNames.AUTHORIZATION),
                        Scope.repository(from, Scope.PULL),
                        ex.header(HttpHeaderNames.HOST),
                        ex.tls())
                .allowed();
    }

    private void uploadStatus(Exchange ex, String name, String uuid) {
        sessionAccepted(ex, HttpResponseStatus.NO_CONTENT, registry.uploadStatus(name, uuid));
    }

    /** {@code [start, end]} of a Content-Range header, or null when absent. */
    private static long[] contentRange(Exchange ex) {
        String cr = ex.header(HttpHeaderNames.CONTENT_RANGE);
        if (cr == null) {
            return null;
        }
        Matcher m = CONTENT_RANGE.matcher(cr.trim());
        if (!m.matches()) {
            throw RegistryException.of(OciError.BLOB_UPLOAD_INVALID, "malformed Content-Range: %s", cr)
                    .withStatus(416);
        }
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    private void patchUpload(Exchange ex, String name, String uuid) {
        try {
            long[] cr = contentRange(ex);
            Registry.UploadStatus st = registry.appendUpload(
                    name, uuid, cr == null ? null : cr[0], cr == null ? null : cr[1], ex.body(), ex.contentLength());
            sessionAccepted(ex, HttpResponseStatus.ACCEPTED, st);
        } catch (RegistryException e) {
            failWithUploadState(ex, name, uuid, e);
        }
    }

    private void finishUpload(Exchange ex, String name, String uuid) {
        try {
            String digestParam = ex.param("digest");
            if (digestParam == null) {
                throw RegistryException.of(OciError.DIGEST_INVALID, "the closing PUT needs ?digest=");
            }
            Digest d = digest(digestParam);
            long[] cr = contentRange(ex);
            BlobInfo info = registry.finishUpload(
                    name, uuid, d, cr == null ? null : cr[0], cr == null ? null : cr[1], ex.body(), ex.contentLength());
            created(ex, name, info.digest());
        } catch (RegistryException e) {
            failWithUploadState(ex, name, uuid, e);
        }
    }

    /** A 416 tells the client where the upload stands (Location and Range), so it can resume. */
    private void failWithUploadState(Exchange ex, String name, String uuid, RegistryException e) {
        HttpHeaders h = new DefaultHttpHeaders();
        if (e.status() == 416) {
            try {
                Registry.UploadStatus st = registry.uploadStatus(name, uuid);
                h.set(HttpHeaderNames.LOCATION, uploadLocation(name, uuid));
                h.set(HttpHeaderNames.RANGE, range(st.offset()));
                h.set("Docker-Upload-UUID", uuid);
            } catch (RuntimeException gone) {
                // The session ended meanwhile; the error alone says enough.
            }
        }
        fail(ex, e, h);
    }

    // --- manifests ---------------------------------------------------------------------------

    private void getManifest(Exchange ex, String name, String ref) {
        Registry.StoredManifest mf =
                registry.manifest(name, ref, AcceptedTypes.parse(ex.headers(HttpHeaderNames.ACCEPT)));
        HttpHeaders h = new DefaultHttpHeaders();
        h.set(HttpHeaderNames.ETAG, "\"" + mf.digest() + "\"");
        if (etagMatches(ex.headers(HttpHeaderNames.IF_NONE_MATCH), mf.digest())) {
            ex.respond(HttpResponseStatus.NOT_MODIFIED, h, new byte[0]);
            return;
        }
        h.set(HttpHeaderNames.CONTENT_TYPE, mf.mediaType());
        h.set("Docker-Content-Digest", mf.digest().toString());
        ex.respond(HttpResponseStatus.OK, h, mf.bytes());
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

    private void putManifest(Exchange ex, String name, String ref) throws IOException {
        byte[] bytes = readLimited(ex.body(), Registry.MAX_MANIFEST_BYTES);
        String ct = ex.header(HttpHeaderNames.CONTENT_TYPE);
        if (ct != null) {
            int semi = ct.indexOf(';');
            ct = (semi >= 0 ? ct.substring(0, semi) : ct).trim();
        }
        List<String> extraTags = ex.params("tag");
        Registry.PushedManifest pushed = registry.putManifest(name, ref, ct, bytes, extraTags);
        HttpHeaders h = new DefaultHttpHeaders();
        h.set(HttpHeaderNames.LOCATION, "/v2/" + name + "/manifests/" + pushed.digest());
        h.set("Docker-Content-Digest", pushed.digest().toString());
        if (pushed.subject() != null) {
            h.set("OCI-Subject", pushed.subject().toString());
        }
        if (!extraTags.isEmpty()) {
            h.set("OCI-Tag", String.join(", ", pushed.tags()));
        }
        ex.respond(HttpResponseStatus.CREATED, h, new byte[0]);
    }

    private static byte[] readLimited(InputStream in, int limit) throws IOException {
        byte[] bytes = in.readNBytes(limit + 1);
        if (bytes.length > limit) {
            throw RegistryException.of(OciError.MANIFEST_INVALID, "manifest exceeds the limit of %d bytes", limit)
                    .withStatus(413);
        }
        return bytes;
    }

    // --- discovery ---------------------------------------------------------------------------

    private static int pageSize(Exchange ex) {
        String n = ex.param("n");
        if (n == null) {
            return -1;
        }
        try {
            int v = Integer.parseInt(n);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw RegistryException.withDetail(OciError.UNSUPPORTED, Map.of("n", n), "invalid page size n=%s", n)
                    .withStatus(400);
        }
    }

    private static String link(String path, int n, String last) {
        return "<" + path + "?n=" + n + "&last=" + URLEncoder.encode(last, StandardCharsets.UTF_8) + ">; rel=\"next\"";
    }

    private void tags(Exchange ex, String name) {
        int n = pageSize(ex);
        Registry.Page page = registry.tags(name, n, ex.param("last"));
        HttpHeaders h = new DefaultHttpHeaders();
        if (page.more() && n > 0) {
            h.set("Link", link("/v2/" + name + "/tags/list", n, page.items().getLast()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("tags", page.items());
        json(ex, HttpResponseStatus.OK, h, body);
    }

    private void catalog(Exchange ex) {
        int n = pageSize(ex);
        Registry.Page page = registry.catalog(n, ex.param("last"));
        HttpHeaders h = new DefaultHttpHeaders();
        if (page.more() && n > 0) {
            h.set("Link", link("/v2/_catalog", n, page.items().getLast()));
        }
        json(ex, HttpResponseStatus.OK, h, Map.of("repositories", page.items()));
    }

    /**
     * The referrers list, paged like the tags list (spec: a Link header when the descriptors
     * cannot all be returned in one index): {@code n} caps a page, {@code last} continues after
     * a referrer digest, and the filter carries over to the next page's link.
     */
    private void referrers(Exchange ex, String name, Digest subject) {
        String artifactType = ex.param("artifactType");
        String last = ex.param("last");
        if (last != null) {
            digest(last);
        }
        int n = pageSize(ex);
        Registry.ReferrersPage page = registry.referrers(name, subject, artifactType, n, last);
        HttpHeaders h = new DefaultHttpHeaders();
        if (artifactType != null) {
            h.set("OCI-Filters-Applied", "artifactType");
        }
        if (page.more()) {
            // The client's own n carries over: a page cut short by its size must not shrink the next.
            String next = "/v2/" + name + "/referrers/" + subject + "?" + (n < 0 ? "" : "n=" + n + "&")
                    + "last=" + URLEncoder.encode(page.last(), StandardCharsets.UTF_8)
                    + (artifactType == null
                            ? ""
                            : "&artifactType=" + URLEncoder.encode(artifactType, StandardCharsets.UTF_8));
            h.set("Link", "<" + next + ">; rel=\"next\"");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schemaVersion", 2);
        body.put("mediaType", MediaTypes.OCI_INDEX);
        body.put("manifests", page.descriptors());
        h.set(HttpHeaderNames.CONTENT_TYPE, MediaTypes.OCI_INDEX);
        ex.respond(HttpResponseStatus.OK, h, encode(body));
    }

    private void token(Exchange ex) {
        TokenService.TokenResponse r =
                tokens.tokenResponse(ex.header(HttpHeaderNames.AUTHORIZATION), ex.param("service"), ex.params("scope"));
        HttpHeaders h = new DefaultHttpHeaders();
        if (r.status() == 401) {
            h.set(HttpHeaderNames.WWW_AUTHENTICATE, r.challenge());
            fail(ex, RegistryException.of(OciError.UNAUTHORIZED, "invalid username or password"), h);
            return;
        }
        json(ex, HttpResponseStatus.valueOf(r.status()), h, r.body());
    }

    private static void json(Exchange ex, HttpResponseStatus status, HttpHeaders h, Object body) {
        if (!h.contains(HttpHeaderNames.CONTENT_TYPE)) {
            h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        }
        ex.respond(status, h, encode(body));
    }

    private static byte[] encode(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
