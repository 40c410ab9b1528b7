package dev.berth.cli.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over one blocking socket channel (Unix or TCP), one request per connection.
 *
 * <p>Why not Netty's HTTP client codec: the CLI makes one call at a time and hands the body to
 * code that wants an InputStream (a tar to copy to a file, a JSON stream to render). Netty would
 * add an event loop and a back-pressure bridge from its callbacks to that stream, plus its start-up
 * cost on every command. The subset of HTTP/1.1 a client needs here is small: write a head and a
 * fixed or chunked body; read a status line, headers, and a body framed by Content-Length,
 * chunked encoding or end of stream. The request body is written by its own thread while this one
 * reads the response, as Go's net/http does, so a daemon that answers (or fails) before it has read
 * the whole upload never deadlocks us.
 */
final class HttpExchange {
    private static final int MAX_HEAD = 64 * 1024;

    private HttpExchange() {
    }

    /** Writes the head (and a small body) of {@code request}. */
    static void writeHead(SocketChannel channel, ApiRequest request, String target, String hostHeader) throws IOException {
        StringBuilder head = new StringBuilder()
                .append(request.method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader).append("\r\n")
                .append("User-Agent: Berth-Client/0.1 (linux)\r\n");
        request.headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
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
        OutputStream out = output(channel);
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        if (request.bytes != null) {
            out.write(request.bytes);
        }
    }

    /**
     * Copies {@code source} to the channel as the request body. A failure to read the source is
     * returned (and the upload cut short, so the daemon sees a truncated body and drops it); a
     * failure to write means the daemon stopped reading, and its response says why.
     */
    static IOException writeBody(SocketChannel channel, InputStream source, boolean chunked) {
        OutputStream out = output(channel);
        byte[] buffer = new byte[256 * 1024];
        while (true) {
            int n;
            try {
                n = source.read(buffer);
            } catch (IOException e) {
                shutdownOutput(channel);
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

    private static void shutdownOutput(SocketChannel channel) {
        try {
            channel.shutdownOutput();
        } catch (IOException ignored) {
            // the connection is gone already; the response reader will say so
        }
    }

    /** The parsed status line and headers; the body follows in {@code in}. */
    record Head(int status, String reason, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    static Head readHead(InputStream in) throws IOException {
        String statusLine = readLine(in);
        while (statusLine.isEmpty()) {
            statusLine = readLine(in);
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("malformed HTTP response: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("malformed HTTP status line: " + statusLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int total = statusLine.length();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            total += line.length();
            if (total > MAX_HEAD) {
                throw new IOException("HTTP response head longer than " + MAX_HEAD + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed HTTP header: " + line);
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        return new Head(status, parts.length > 2 ? parts[2] : "", headers);
    }

    /** The body of a response to {@code method}, framed as its head says (RFC 9112 section 6.3). */
    static InputStream body(String method, Head head, InputStream in) throws IOException {
        int status = head.status();
        if (method.equals("HEAD") || status == 204 || status == 304 || (status >= 100 && status < 200 && status != 101)) {
            return InputStream.nullInputStream();
        }
        if (status == 101) {
            return in; // upgraded (hijacked) stream: raw bytes until close
        }
        String encoding = head.header("transfer-encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return new ChunkedInput(in);
        }
        String length = head.header("content-length");
        if (length != null) {
            try {
                return new FixedLengthInput(in, Long.parseLong(length.strip()));
            } catch (NumberFormatException e) {
                throw new IOException("malformed Content-Length: " + length);
            }
        }
        return in;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (line.isEmpty()) {
                    throw new EOFException("the daemon closed the connection without a response");
                }
                throw new EOFException("the daemon closed the connection in the middle of a response head");
            }
            if (c == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() > MAX_HEAD) {
                throw new IOException("HTTP response line longer than " + MAX_HEAD + " bytes");
            }
            line.append((char) c);
        }
    }

    /** Reads the channel directly, so that a writer thread may use its output at the same time. */
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

    /** A Content-Length body: ends after that many bytes, fails if the stream ends sooner. */
    static final class FixedLengthInput extends InputStream {
        private final InputStream in;
        private long remaining;

        FixedLengthInput(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("the daemon closed the connection " + remaining + " bytes before the end of the response");
            }
            remaining -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** A chunked body (RFC 9112 section 7.1); extensions and trailers are read and ignored. */
    static final class ChunkedInput extends InputStream {
        private final InputStream in;
        private long chunkLeft;
        private boolean done;

        ChunkedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (chunkLeft == 0) {
                String sizeLine = readLine(in);
                int semicolon = sizeLine.indexOf(';');
                String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).strip();
                try {
                    chunkLeft = Long.parseLong(hex, 16);
                } catch (NumberFormatException e) {
                    throw new IOException("malformed chunk size in response: " + sizeLine);
                }
                if (chunkLeft == 0) {
                    while (!readLine(in).isEmpty()) {
                        // trailers
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw new EOFException("the daemon closed the connection in the middle of a chunked response");
            }
            chunkLeft -= n;
            if (chunkLeft == 0 && !readLine(in).isEmpty()) {
                throw new IOException("malformed chunked response: missing CRLF after a chunk");
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
