package dev.berth.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over one blocking {@link Connection} (Unix, TCP or TLS), one request per connection.
 *
 * <p>Why not Netty's HTTP client codec: the CLI makes one call at a time and hands the body to
 * code that wants an InputStream (a tar to copy to a file, a JSON stream to render). Netty would
 * add an event loop and a back-pressure bridge from its callbacks to that stream, plus its start-up
 * cost on every command. The subset of HTTP/1.1 a client needs here is small: write a head and a
 * fixed or chunked body; the response is read from {@link #input} by berth-core's
 * {@link dev.berth.core.http.ResponseHead} and {@link dev.berth.core.http.ResponseBody}. The
 * request body is written by its own thread while this one reads the response, as Go's net/http
 * does, so a daemon that answers (or fails) before it has read the whole upload never deadlocks us.
 */
final class HttpExchange {
    private HttpExchange() {}

    /** Writes the head (and a small body) of {@code request}. */
    static void writeHead(Connection connection, ApiRequest request, String target, String hostHeader)
            throws IOException {
        StringBuilder head = new StringBuilder()
                .append(request.method)
                .append(' ')
                .append(target)
                .append(" HTTP/1.1\r\n")
                .append("Host: ")
                .append(hostHeader)
                .append("\r\n")
                .append("User-Agent: Berth-Client/0.1 (linux)\r\n");
        request.headers.forEach(
                (name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (request.bytes != null) {
            head.append("Content-Length: ").append(request.bytes.length).append("\r\n");
        } else if (request.stream != null) {
            if (request.streamLength >= 0) {
                head.append("Content-Length: ").append(request.streamLength).append("\r\n");
            } else {
                head.append("Transfer-Encoding: chunked\r\n");
            }
        } else if (request.method.equals("POST")) {
            head.append("Content-Length: 0\r\n");
        }
        if (request.headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Connection"))) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        OutputStream out = connection.output();
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        if (request.bytes != null) {
            // one write: over TLS each write is a record of its own
            byte[] all = java.util.Arrays.copyOf(headBytes, headBytes.length + request.bytes.length);
            System.arraycopy(request.bytes, 0, all, headBytes.length, request.bytes.length);
            out.write(all);
        } else {
            out.write(headBytes);
        }
    }

    /**
     * Copies {@code source} to the channel as the request body. A failure to read the source is
     * returned (and the upload cut short, so the daemon sees a truncated body and drops it); a
     * failure to write means the daemon stopped reading, and its response says why.
     */
    static IOException writeBody(Connection connection, InputStream source, boolean chunked) {
        OutputStream out = connection.output();
        byte[] buffer = new byte[256 * 1024];
        while (true) {
            int n;
            try {
                n = source.read(buffer);
            } catch (IOException e) {
                shutdownOutput(connection);
                return e;
            }
            try {
                if (n < 0) {
                    if (chunked) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
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
    }

    private static void shutdownOutput(Connection connection) {
        try {
            connection.shutdownOutput();
        } catch (IOException ignored) {
            // the connection is gone already; the response reader will say so
        }
    }

    /** Reads a plain channel directly, so that a writer thread may use its output at the same time. */
    static InputStream input(SocketChannel channel) {
        return new InputStream() {
            private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).flip();

            @Override
            public int read() throws IOException {
                if (!fill()) {
                    return -1;
                }
                return buffer.get() & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (!buffer.hasRemaining() && len >= buffer.capacity()) {
                    return channel.read(ByteBuffer.wrap(b, off, len));
                }
                if (!fill()) {
                    return -1;
                }
                int n = Math.min(len, buffer.remaining());
                buffer.get(b, off, n);
                return n;
            }

            @Override
            public int available() {
                return buffer.remaining();
            }

            private boolean fill() throws IOException {
                while (!buffer.hasRemaining()) {
                    buffer.clear();
                    int n = channel.read(buffer);
                    buffer.flip();
                    if (n < 0) {
                        return false;
                    }
                }
                return true;
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    static OutputStream output(SocketChannel channel) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        };
    }
}
