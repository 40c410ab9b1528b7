package dev.berth.http.client;

import dev.berth.core.http.ResponseHead;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An answer whose body is read as it arrives. Closing it gives its connection back for the next
 * request when the body was read to its end and both sides keep the connection, and closes the
 * connection otherwise. After a {@code 101} the connection is the caller's: {@link #output()}
 * writes to the server (a hijacked Docker stream's stdin) and {@link #closeWrite()} ends that.
 */
public final class ClientResponse implements AutoCloseable {
    private final ResponseHead head;
    private final Connection connection;
    private final Body body;
    private final Future<IOException> upload;
    private final Pool pool;
    private boolean closed;

    /** Where a connection goes back when its answer is done with. */
    interface Pool {
        void release(Connection connection);
    }

    /** @param empty the answer has no body by its framing: it is read to its end at once */
    ClientResponse(
            ResponseHead head,
            Connection connection,
            InputStream body,
            boolean reusable,
            boolean empty,
            Future<IOException> upload,
            Pool pool) {
        this.head = head;
        this.connection = connection;
        this.body = new Body(body, reusable);
        this.body.ended = empty;
        this.upload = upload;
        this.pool = pool;
    }

    public int status() {
        return head.status();
    }

    public String reason() {
        return head.reason();
    }

    public ResponseHead head() {
        return head;
    }

    /** A header's value (any case); repeated fields joined with ", " (RFC 9110 section 5.3). */
    public Optional<String> header(String name) {
        return head.header(name);
    }

    /** A redirect: 301, 302, 303, 307 or 308 (its Location says where to). */
    public boolean isRedirect() {
        int status = head.status();
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** The body's Content-Length, -1 when chunked or not given. */
    public long contentLength() {
        return head.contentLength();
    }

    /** The body as it arrives; an early end of the connection is an EOFException, never a short body. */
    public InputStream body() {
        return body;
    }

    /** After a 101: the connection's sending side. */
    public OutputStream output() {
        return connection.output();
    }

    /** After a 101: ends the sending side (the server sees the end of stdin); the answer still arrives. */
    public void closeWrite() {
        try {
            connection.shutdownOutput();
        } catch (IOException e) {
            // already closed: nothing more to end
        }
    }

    /**
     * The failure to read the request body's source (a file that could not be read to the end),
     * once the upload ended or {@code wait} passed; null when there was none.
     */
    public IOException sourceFailure(Duration wait) {
        return await(upload, wait);
    }

    /** Gives the connection back (its answer read to the end) or closes it; closing the body does the same. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (body.reusable && body.ended && (upload == null || upload.isDone())) {
            pool.release(connection);
        } else {
            connection.close();
        }
    }

    /** The body, noting whether it was read to its end (then the connection may serve another request). */
    private final class Body extends InputStream {
        private final InputStream in;
        private final boolean reusable;
        private boolean ended;

        Body(InputStream in, boolean reusable) {
            this.in = in;
            this.reusable = reusable;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            ended |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            ended |= n < 0;
            return n;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() {
            ClientResponse.this.close();
        }
    }

    static IOException await(Future<IOException> upload, Duration wait) {
        if (upload == null) {
            return null;
        }
        try {
            return upload.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }
}
