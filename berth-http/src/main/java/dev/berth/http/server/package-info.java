/**
 * The one HTTP/1.1 server, on Netty: the Docker Engine API and the registry are two
 * {@link dev.berth.http.server.HttpService}s served by it. A service contributes a route table
 * ({@link dev.berth.http.server.Router} filled by {@link dev.berth.http.server.Routes}), its
 * {@link dev.berth.http.server.ErrorMapper} and the headers of every response; the server does
 * the rest ({@link dev.berth.http.server.ServerPipeline} lists the handlers of a connection).
 *
 * <h2>Writing endpoints</h2>
 * <pre>{@code
 * public final class ImageRoutes implements Routes {
 *     private final ImageService images;                       // constructed by the composition root
 *     public ImageRoutes(ImageService images) { this.images = images; }
 *
 *     @Override
 *     public void register(Router router) {
 *         router.get("/images/{name}/json", this::inspect)        // {name} may contain '/': localhost:5000/a/b:1
 *               .post("/images/load", Router.STREAM, this::load)  // a body of any size; others take 16 MiB
 *               .get("/images/{name}/get", this::save);
 *     }
 *
 *     private Response inspect(Request r) {
 *         return Response.bytes("application/json", encode(images.inspect(r.param("name"))));   // NOT_FOUND → mapper
 *     }
 *     private Response save(Request r) {
 *         var image = images.resolve(r.param("name"));          // fail here → a proper error status before the 200
 *         return Response.stream("application/x-tar", out -> images.save(image, out));
 *     }
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Handlers run on virtual threads (one per request) and may block. They throw on failure;
 *       the service's mapper answers.
 *   <li>The body ({@code r.body()}) is an InputStream with backpressure; what a handler leaves
 *       unread is drained after the answer. A {@code Content-Length} over the route's limit is
 *       answered 413 before anything is read; a missing, repeated or malformed {@code Host} 400,
 *       as Go's server does.
 *   <li>{@code stream(type, out -> …)} is chunked; writes block while the client is slow;
 *       {@code flush()} with nothing buffered sends the header alone ("header now, body later",
 *       moby's {@code POST /containers/{id}/wait}). Long streams stop when {@code isOpen()} turns
 *       false or via {@code onClose(action)}.
 *   <li>{@code hijack(type, conn -> …)} turns the connection into a raw pipe (attach, exec): see
 *       {@link dev.berth.http.server.Response#hijack}.
 * </ul>
 */
package dev.berth.http.server;
