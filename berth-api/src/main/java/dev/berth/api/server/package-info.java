/**
 * The Docker Engine API server: Netty HTTP/1.1 on Unix sockets and TCP, routing, errors, streams
 * and hijacked connections. Endpoint code uses five types: {@link dev.berth.api.server.Routes},
 * {@link dev.berth.api.server.Router}, {@link dev.berth.api.server.Handler},
 * {@link dev.berth.api.server.Request} and {@link dev.berth.api.server.Response}.
 *
 * <h2>Writing endpoints</h2>
 * <pre>{@code
 * public final class ImageRoutes implements Routes {
 *     private final ImageService images;                       // constructed by the daemon's main
 *     public ImageRoutes(ImageService images) { this.images = images; }
 *
 *     @Override
 *     public void register(Router router) {
 *         router.get("/images/json", this::list)
 *               .get("/images/{name}/json", this::inspect)        // {name} may contain '/': localhost:5000/a/b:1
 *               .post("/images/{name}/tag", this::tag)
 *               .delete("/images/{name}", this::remove)
 *               .post("/images/load", this::load)
 *               .get("/images/{name}/get", this::save);
 *     }
 *
 *     private Response inspect(Request r) {
 *         return Response.json(ImageJson.from(images.inspect(r.param("name"))));   // NOT_FOUND → 404
 *     }
 *     private Response list(Request r) {
 *         Filters f = r.filters().validate(List.of("dangling", "label", "reference", "before", "since"));
 *         return Response.json(images.list(r.bool("all"), f.bool("dangling"), ...));
 *     }
 *     private Response tag(Request r) {
 *         images.tag(r.param("name"), r.query("repo"), r.query("tag"));
 *         return Response.status(201);
 *     }
 *     private Response load(Request r) {                        // body streamed, never buffered whole
 *         return Response.messages(out -> images.load(r.body(), progress -> out.send(progress)));
 *     }
 *     private Response save(Request r) {
 *         var image = images.resolve(r.param("name"));          // fail here → proper 404 before the 200
 *         return Response.stream("application/x-tar", out -> images.save(image, out));
 *     }
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Templates have no {@code /v1.NN} prefix; the server strips it, checks it (1.24 ≤ v ≤ 1.50, else
 *       Docker's 400 message) and gives it as {@link dev.berth.api.server.Request#version()}
 *       (1.50 when absent). A {@code {param}} matches any text including slashes (Docker's
 *       {@code {name:.*}}); between overlapping templates the more literal one wins.</li>
 *   <li>Query: {@code query(name)}, {@code queryAll(name)}, {@code bool(name)} (Docker's booleans:
 *       absent/""/0/no/false/none are false), {@code intValue}, {@code longValue},
 *       {@code filters()} (both JSON forms, {@link dev.berth.api.server.Filters} with moby's match
 *       helpers). Body: {@code body()} as an InputStream with backpressure, {@code json(Type.class)}.</li>
 *   <li>Failures: throw {@link dev.berth.core.error.BerthException}; {@link dev.berth.api.server.ErrorMapping}
 *       is the one kind → status mapper (400, 401, 403, 404, 409, 500, 501, 503) and answers
 *       {@code {"message":"…"}}. Any other exception is logged with its stack and answered 500.
 *       Unknown path or wrong method: 404 {@code page not found}, as Docker.</li>
 *   <li>Handlers run on virtual threads (one per request) and may block.</li>
 * </ul>
 *
 * <h2>Responses</h2>
 * {@code Response.json(value)}, {@code json(status, value)}, {@code noContent()}, {@code status(201)},
 * {@code bytes(type, bytes)}, {@code text("OK")}, {@code stream(type, out -> …)} (chunked; writes block
 * while the client is slow), {@code messages(out -> out.send(JsonMessage.progress(…)))} (Docker's
 * JSON message stream: one flushed line per message; an exception before the first message is a
 * normal error response, after it an {@code {"errorDetail":…,"error":…}} line) and
 * {@code hijack(contentType, conn -> …)} for attach/exec ({@code 101 UPGRADED}, then raw bytes;
 * {@link dev.berth.api.server.StdCopy} frames stdout/stderr; register the attachment in the
 * Handler before returning, since the client starts the container once it reads the 101).
 * "Header now, body later" (moby's {@code POST /containers/{id}/wait}: the CLI must know the
 * wait is registered before it starts the container): register the waiter, then
 * {@code Response.stream("application/json", out -> { out.flush(); …block…; out.write(Json.encodeLine(result)); })}
 * — {@code flush()} with nothing buffered sends the 200 header alone. Long streams (events, logs -f) stop
 * when {@code isOpen()} turns false or via {@code onClose(action)}. {@code withHeader(n, v)} adds
 * a header. Every response carries {@code Api-Version}, {@code Docker-Experimental},
 * {@code Ostype} and {@code Server}.
 */
package dev.berth.api.server;
