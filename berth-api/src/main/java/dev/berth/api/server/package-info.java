/**
 * The Docker Engine API as a berth-http service ({@link dev.berth.api.server.ApiServer}): route
 * groups written against {@code dev.berth.http.server} (Routes, Router, Request, Response), and
 * what is Docker's own here.
 *
 * <ul>
 *   <li>Paths may start with {@code /v1.NN}; the server strips it, checks it (1.24 ≤ v ≤ 1.50, else
 *       Docker's 400 message) and a handler reads it with {@link dev.berth.api.server.ApiVersion#of}
 *       (1.50 when absent).
 *   <li>{@link dev.berth.api.server.Filters#of} reads the {@code filters} parameter (both JSON forms,
 *       with moby's match helpers); {@link dev.berth.api.server.Json#body} a JSON body;
 *       {@link dev.berth.api.server.Json#response} answers one.
 *   <li>Failures: throw {@link dev.berth.core.error.BerthException};
 *       {@link dev.berth.api.server.ErrorMapping} is the one kind → status mapper (400, 401, 403,
 *       404, 409, 500, 501, 503) and answers {@code {"message":"…"}}. Any other exception is logged
 *       with its stack and answered 500. Unknown path or wrong method: 404 {@code page not found}.
 *   <li>{@link dev.berth.api.server.MessageStream#response} is Docker's JSON message stream: one
 *       flushed line per message; an exception before the first message is a normal error
 *       response, after it an {@code {"errorDetail":…,"error":…}} line.
 *   <li>Attach and exec hijack the connection ({@code Response.hijack}); {@link
 *       dev.berth.api.server.StdCopy} frames stdout and stderr. Register the attachment in the
 *       handler before returning, since the client starts the container once it reads the 101.
 *   <li>Every response carries {@code Api-Version}, {@code Docker-Experimental}, {@code Ostype}
 *       and {@code Server}.
 * </ul>
 */
package dev.berth.api.server;
