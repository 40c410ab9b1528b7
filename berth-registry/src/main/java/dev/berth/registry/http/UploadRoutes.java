package dev.berth.registry.http;

import dev.berth.core.content.BlobInfo;
import dev.berth.core.digest.Digest;
import dev.berth.http.server.Request;
import dev.berth.http.server.Response;
import dev.berth.http.server.Router;
import dev.berth.http.server.Routes;
import dev.berth.registry.auth.Scope;
import dev.berth.registry.blob.Blobs;
import dev.berth.registry.error.OciError;
import dev.berth.registry.error.RegistryException;
import dev.berth.registry.upload.Uploads;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pushing blobs (end-4a/b, end-5, end-6, end-11, end-13): monolithic POST with {@code ?digest=},
 * cross-repository mounts, and sessions taking chunks (PATCH), closed by a PUT with the digest,
 * asked where they stand (GET) or cancelled (DELETE).
 */
final class UploadRoutes implements Routes {
    private static final String SESSION = "/v2/{name}/blobs/uploads/{uuid:[^/]+}";
    private static final Pattern CONTENT_RANGE = Pattern.compile("^(?:bytes[ =])?(\\d+)-(\\d+)(?:/(?:\\d+|\\*))?$");

    private final Uploads uploads;
    private final Blobs blobs;
    private final Access access;

    UploadRoutes(Uploads uploads, Blobs blobs, Access access) {
        this.uploads = uploads;
        this.blobs = blobs;
        this.access = access;
    }

    @Override
    public void register(Router router) {
        router.post("/v2/{name}/blobs/uploads/", Router.STREAM, this::start)
                .post("/v2/{name}/blobs/uploads", Router.STREAM, this::start)
                .get(SESSION, this::status)
                .patch(SESSION, Router.STREAM, this::patch)
                .put(SESSION, Router.STREAM, this::finish)
                .delete(SESSION, this::cancel);
    }

    private String writable(Request r) {
        String name = Access.name(r);
        access.requireWrite(r, Scope.repository(name, Scope.PULL, Scope.PUSH));
        return name;
    }

    private Response start(Request r) {
        String name = writable(r);
        String mount = r.query("mount");
        String digest = r.query("digest");
        if (mount != null) {
            Digest d = RegistryException.digest(mount);
            String from = r.query("from");
            if (from != null && access.mayPull(r, from) && blobs.mount(name, d, from)) {
                return created(name, d);
            }
        } else if (digest != null) {
            Digest d = RegistryException.digest(digest);
            BlobInfo info = uploads.put(name, d, r.body(), r.contentLength());
            return created(name, info.digest());
        }
        return session(202, uploads.start(name, r.query("digest-algorithm")));
    }

    private Response status(Request r) {
        return session(204, uploads.status(writable(r), r.param("uuid")));
    }

    private Response patch(Request r) {
        String name = writable(r);
        String uuid = r.param("uuid");
        try {
            long[] cr = contentRange(r);
            return session(
                    202,
                    uploads.append(
                            name,
                            uuid,
                            cr == null ? null : cr[0],
                            cr == null ? null : cr[1],
                            r.body(),
                            r.contentLength()));
        } catch (RegistryException e) {
            throw withUploadState(name, uuid, e);
        }
    }

    private Response finish(Request r) {
        String name = writable(r);
        String uuid = r.param("uuid");
        try {
            String digest = r.query("digest");
            if (digest == null) {
                throw RegistryException.of(OciError.DIGEST_INVALID, "the closing PUT needs ?digest=");
            }
            Digest d = RegistryException.digest(digest);
            long[] cr = contentRange(r);
            BlobInfo info = uploads.finish(
                    name, uuid, d, cr == null ? null : cr[0], cr == null ? null : cr[1], r.body(), r.contentLength());
            return created(name, info.digest());
        } catch (RegistryException e) {
            throw withUploadState(name, uuid, e);
        }
    }

    private Response cancel(Request r) {
        uploads.cancel(writable(r), r.param("uuid"));
        return Response.noContent();
    }

    private static Response created(String name, Digest digest) {
        return Response.status(201)
                .withHeader("Location", "/v2/" + name + "/blobs/" + digest)
                .withHeader("Docker-Content-Digest", digest.toString());
    }

    private static Response session(int status, Uploads.UploadStatus st) {
        return Response.status(status)
                .withHeader("Location", location(st.repository(), st.uuid()))
                .withHeader("Range", range(st.offset()))
                .withHeader("Docker-Upload-UUID", st.uuid());
    }

    private static String location(String name, String uuid) {
        return "/v2/" + name + "/blobs/uploads/" + uuid;
    }

    private static String range(long offset) {
        // As Docker's registry: "0-0" also for an empty upload.
        return "0-" + Math.max(0, offset - 1);
    }

    /** {@code [start, end]} of a Content-Range header, or null when absent. */
    private static long[] contentRange(Request r) {
        String cr = r.header("Content-Range");
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

    /** A 416 tells the client where the upload stands (Location and Range), so it can resume. */
    private RegistryException withUploadState(String name, String uuid, RegistryException e) {
        if (e.status() != 416) {
            return e;
        }
        try {
            Uploads.UploadStatus st = uploads.status(name, uuid);
            return e.withHeader("Location", location(name, uuid))
                    .withHeader("Range", range(st.offset()))
                    .withHeader("Docker-Upload-UUID", uuid);
        } catch (RuntimeException gone) {
            // The session ended meanwhile; the error alone says enough.
            return e;
        }
    }
}
