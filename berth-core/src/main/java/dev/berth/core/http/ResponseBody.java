package dev.berth.core.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;

/**
 * The body of an HTTP/1.1 response, framed as its head says (RFC 9112 section 6.3): none, a
 * chunked body, Content-Length bytes, or everything until the connection closes. A body that the
 * connection cuts short is an {@link EOFException} once the bytes that came are read, never a
 * clean end of stream: a download resumes from there, and nothing takes a short body for a
 * whole one. Closing a body closes the stream under it.
 */
public final class ResponseBody {
    private static final int MAX_CHUNK_LINE = 4096;

    private ResponseBody() {}

    /**
     * The body that follows {@code head} in {@code in}.
     *
     * @param method the request's method (a response to HEAD has no body, whatever its head says)
     */
    public static InputStream open(String method, ResponseHead head, InputStream in) {
        int status = head.status();
        if (method.equals("HEAD")
                || status == 204
                || status == 304
                || (status >= 100 && status < 200 && status != 101)) {
            return InputStream.nullInputStream();
        }
        if (status == 101) {
            return in; // switched protocols (a hijacked Docker stream): raw bytes until close
        }
        if (head.chunked()) {
            return new Chunked(in);
        }
        if (head.contentLength() >= 0) {
            return new FixedLength(in, head.contentLength());
        }
        return in;
    }

    /** A body of Content-Length bytes. */
    private static final class FixedLength extends InputStream {
        private final InputStream in;
        private long left;

        FixedLength(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw cutShort();
            }
            left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw cutShort();
            }
            left -= n;
            return n;
        }

        private EOFException cutShort() {
            return new EOFException("connection closed with " + left + " bytes of the response body still to come");
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), left);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Transfer-Encoding: chunked (RFC 9112 section 7.1); extensions and trailer fields are read and dropped. */
    private static final class Chunked extends InputStream {
        private final InputStream in;
        private long left;
        private boolean ended;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (!inChunk()) {
                return -1;
            }
            int b = in.read();
            consumed(b < 0 ? -1 : 1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!inChunk()) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            consumed(n);
            return n;
        }

        /** False at the end of the body, else true with at least one byte of a chunk left. */
        private boolean inChunk() throws IOException {
            if (ended) {
                return false;
            }
            if (left == 0) {
                left = chunkSize();
                if (left == 0) {
                    int budget = ResponseHead.MAX_HEAD;
                    for (String trailer = line(budget); !trailer.isEmpty(); trailer = line(budget)) {
                        budget -= trailer.length() + 2;
                    }
                    ended = true;
                    return false;
                }
            }
            return true;
        }

        /** Counts {@code n} bytes read from the chunk (-1: the stream ended) and, at its end, its CRLF. */
        private void consumed(int n) throws IOException {
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk of the response body");
            }
            left -= n;
            if (left == 0 && !line(MAX_CHUNK_LINE).isEmpty()) {
                throw new ProtocolException("chunk of the response body not followed by CRLF");
            }
        }

        /** The size line's hex number; a chunk extension (after ';') is ignored. */
        private long chunkSize() throws IOException {
            String line = line(MAX_CHUNK_LINE);
            int semicolon = line.indexOf(';');
            String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
            if (!hex.matches("[0-9a-fA-F]{1,15}")) {
                throw new ProtocolException("bad chunk size in the response body: " + line);
            }
            return Long.parseLong(hex, 16);
        }

        private String line(int max) throws IOException {
            return ResponseHead.line(
                    in,
                    max,
                    "connection closed inside a chunked response body",
                    "chunked response body framing line longer than " + max + " bytes");
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
