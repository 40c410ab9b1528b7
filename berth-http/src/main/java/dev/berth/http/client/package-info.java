/**
 * The one HTTP/1.1 client ({@link dev.berth.http.client.HttpClient}): the daemon's registry
 * traffic and the CLI's calls to the daemon, on blocking connections to a {@link
 * dev.berth.http.client.Target} (Unix socket, TCP, TLS), answers read by berth-core's {@code
 * core.http} reader. A request is a {@link dev.berth.http.client.ClientRequest}; its answer a
 * {@link dev.berth.http.client.ClientResponse}, whose connection is kept for the next request
 * once its body was read to its end, and is a raw pipe both ways after a {@code 101} (Docker's
 * attach). Authentication, redirects and retries of failed answers are the callers'.
 */
package dev.berth.http.client;
