package dev.berth.http.client;

import dev.berth.core.http.ResponseBody;
import dev.berth.core.http.ResponseHead;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * The one HTTP/1.1 client: the daemon's registry traffic and the CLI's calls to the daemon. A
 * request goes out on a blocking connection ({@link Connection}: Unix socket, TCP or TLS); its
 * answer is read by berth-core's {@link ResponseHead} and {@link ResponseBody} on the caller's
 * thread, straight into the caller's buffer. A streamed request body is written by a thread of its
 * own while the answer is read, as Go's net/http does, so a server that answers (or fails) before
 * it has read the whole upload never deadlocks the client.
 *
 * <p>Connections whose answer was read to its end are kept (at most {@link #MAX_IDLE} per target,
 * for {@link #IDLE_TIMEOUT}) and used again. A kept connection the server has closed meanwhile
 * fails before a byte of the answer: such a request is sent again on a new connection, unless its
 * body could only be read once. Redirects, authentication and retries of failed answers are the
 * callers' (they know which credentials may follow a redirect).
 */
public final class HttpClient implements AutoCloseable {
    static final int MAX_IDLE = 16;
    /** Shorter than the idle timeouts of the servers a client meets (nginx 75 s, Go's default none). */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private static final Duration SOURCE_FAILURE_WAIT = Duration.ofMillis(200);
    private static final int CHUNK = 256 * 1024;

    private record Idle(Connection connection, Instant since) {}

    private final Duration connectTimeout;
    private final String userAgent;
    private final Map<Target, Deque<Idle>> idle = new ConcurrentHashMap<>();

    /** @param userAgent the User-Agent of requests that carry none of their own */
    public HttpClient(Duration connectTimeout, String userAgent) {
        this.connectTimeout = connectTimeout;
        this.userAgent = userAgent;
    }

    /** A request failed because its body's source could not be read (not because of the server). */
    public static final class SourceFailureException extends IOException {
        SourceFailureException(IOException cause) {
            super("error reading the request body's source: " + cause.getMessage(), cause);
        }
    }

    /** Sends {@code request} and reads the head of its answer; reads wait for ever. */
    public ClientResponse send(Target target, ClientRequest request) throws IOException {
        return send(target, request, Duration.ZERO);
    }

    /**
     * Sends {@code request} and reads the head of its answer.
     *
     * @param readTimeout how long any read of the answer may wait for bytes (zero: for ever)
     * @throws ConnectFailedException when no connection could be made (its cause says why: a
     *     {@link ConnectTimeoutException} when it took too long)
     * @throws SourceFailureException when the body's source failed to read (the upload was cut)
     * @throws IOException when the connection failed otherwise
     */
    public ClientResponse send(Target target, ClientRequest request, Duration readTimeout) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Connection c = attempt == 0 ? take(target) : null;
            boolean reused = c != null;
            if (c == null) {
                try {
                    c = Connection.open(target, connectTimeout);
                } catch (IOException e) {
                    throw new ConnectFailedException(target, e);
                }
            }
            Future<IOException> upload = null;
            long before = c.received();
            try {
                c.readTimeout(readTimeout);
                upload = write(c, request);
                ResponseHead head = ResponseHead.read(c.input());
                InputStream body = ResponseBody.open(request.method(), head, c.input());
                return new ClientResponse(
                        head, c, body, reusable(request, head), empty(request, head), upload, this::release);
            } catch (IOException | RuntimeException e) {
                c.close();
                IOException source = ClientResponse.await(upload, SOURCE_FAILURE_WAIT);
                if (source != null) {
                    throw new SourceFailureException(source);
                }
                if (reused && c.received() == before && request.replayable() && e instanceof IOException) {
                    continue; // a kept connection the server had closed: once more on a new one
                }
                throw e;
            }
        }
    }

    /** Writes the head, and the body: a few bytes with it, a stream by a thread of its own. */
    private Future<IOException> write(Connection c, ClientRequest request) throws IOException {
        StringBuilder head = new StringBuilder(256)
                .append(request.method())
                .append(' ')
                .append(request.target())
                .append(" HTTP/1.1\r\nHost: ")
                .append(c.target().hostHeader())
                .append("\r\n");
        if (request.header("User-Agent") == null) {
            head.append("User-Agent: ").append(userAgent).append("\r\n");
        }
        for (String[] h : request.headers()) {
            head.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        byte[] bytes = null;
        ClientRequest.Body.Stream stream = null;
        switch (request.body()) {
            case ClientRequest.Body.Bytes b -> {
                bytes = b.bytes();
                head.append("Content-Length: ").append(bytes.length).append("\r\n");
            }
            case ClientRequest.Body.Stream s -> {
                stream = s;
                head.append(s.length() >= 0 ? "Content-Length: " + s.length() : "Transfer-Encoding: chunked")
                        .append("\r\n");
            }
            case ClientRequest.Body.None n -> {
                if (request.method().equals("POST")
                        || request.method().equals("PUT")
                        || request.method().equals("PATCH")) {
                    head.append("Content-Length: 0\r\n");
                }
            }
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        OutputStream out = c.output();
        if (bytes != null) {
            // One write: over TLS each write is a record of its own.
            byte[] all = Arrays.copyOf(headBytes, headBytes.length + bytes.length);
            System.arraycopy(bytes, 0, all, headBytes.length, bytes.length);
            out.write(all);
        } else {
            out.write(headBytes);
        }
        out.flush();
        if (stream == null) {
            return null;
        }
        InputStream source = stream.source().get();
        boolean chunked = stream.length() < 0;
        FutureTask<IOException> upload = new FutureTask<>(() -> writeBody(c, source, chunked));
        Thread.ofVirtual().name("http-upload").start(upload);
        return upload;
    }

    /**
     * Copies {@code source} to the connection as the request body. A failure to read the source is
     * returned (and the upload cut short, so the server sees a truncated body and drops it); a
     * failure to write means the server stopped reading, and its answer says why.
     */
    private static IOException writeBody(Connection c, InputStream source, boolean chunked) {
        OutputStream out = c.output();
        byte[] buffer = new byte[CHUNK];
        try (source) {
            while (true) {
                int n;
                try {
                    n = source.read(buffer);
                } catch (IOException e) {
                    try {
                        c.shutdownOutput();
                    } catch (IOException gone) {
                        // the answer's reader will say what became of the connection
                    }
                    return e;
                }
                try {
                    if (n < 0) {
                        if (chunked) {
                            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        out.flush();
                        return null;
                    }
                    if (n == 0) {
                        continue;
                    }
                    if (chunked) {
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(buffer, 0, n);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    } else {
                        out.write(buffer, 0, n);
                    }
                } catch (IOException e) {
                    return null;
                }
            }
        } catch (IOException closing) {
            return null; // closing the source failed after it was read: the upload is complete
        }
    }

    /** True when the connection may serve another request once this answer is read to its end. */
    private static boolean reusable(ClientRequest request, ResponseHead head) {
        if (request.closes() || head.status() == 101) {
            return false;
        }
        if (head.header("Connection")
                .map(v -> v.toLowerCase(java.util.Locale.ROOT).contains("close"))
                .orElse(false)) {
            return false;
        }
        // A body that ends with the connection leaves nothing to reuse.
        int status = head.status();
        return request.method().equals("HEAD")
                || status == 204
                || status == 304
                || head.chunked()
                || head.contentLength() >= 0;
    }

    /** True when the answer has no body by its framing (RFC 9112 section 6.3). */
    private static boolean empty(ClientRequest request, ResponseHead head) {
        int status = head.status();
        return request.method().equals("HEAD")
                || status == 204
                || status == 304
                || (!head.chunked() && head.contentLength() == 0);
    }

    private Connection take(Target target) {
        Deque<Idle> kept = idle.get(target);
        if (kept == null) {
            return null;
        }
        for (Idle i; (i = kept.pollFirst()) != null; ) {
            if (i.connection().isOpen() && i.since().plus(IDLE_TIMEOUT).isAfter(Instant.now())) {
                return i.connection();
            }
            i.connection().close();
        }
        return null;
    }

    private void release(Connection c) {
        Deque<Idle> kept = idle.computeIfAbsent(c.target(), t -> new ConcurrentLinkedDeque<>());
        if (!c.isOpen() || kept.size() >= MAX_IDLE) {
            c.close();
            return;
        }
        kept.addFirst(new Idle(c, Instant.now()));
    }

    /** Closes the kept connections. */
    @Override
    public void close() {
        idle.values().forEach(kept -> {
            for (Idle i; (i = kept.pollFirst()) != null; ) {
                i.connection().close();
            }
        });
    }
}
