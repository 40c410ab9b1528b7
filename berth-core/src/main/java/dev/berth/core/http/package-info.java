/**
 * The client side of HTTP/1.1 responses read from a blocking stream: the head
 * ({@link dev.berth.core.http.ResponseHead}) and the body framed as the head says
 * ({@link dev.berth.core.http.ResponseBody}), for berth-http's one client.
 */
package dev.berth.core.http;
