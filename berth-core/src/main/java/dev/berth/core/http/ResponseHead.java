package dev.berth.core.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The status line and header fields of an HTTP/1.1 response (RFC 9112 sections 4 and 5), read
 * from a blocking stream that then holds the body (see {@link ResponseBody}).
 *
 * <p>Why by hand: berth-http's client (the daemon's registry traffic, the CLI's calls to the
 * daemon) reads a body on the caller's thread straight into the caller's buffer. Netty's
 * {@code HttpResponseDecoder} only decodes inside a channel pipeline: driven from a blocking
 * stream through an {@code EmbeddedChannel}, every piece would be copied into a ByteBuf, wrapped
 * in an {@code HttpContent} and copied out again, which is the handoff that client's blocking
 * connection exists to avoid. A status line, header fields and three kinds of body framing are
 * the small part of HTTP/1.1 this needs.
 *
 * @param headers field values by lower-case name; a repeated field's values joined with ", "
 *                (RFC 9110 section 5.3)
 * @param contentLength the body's Content-Length, -1 when not given or when a Transfer-Encoding
 *                      (which overrides it, RFC 9112 section 6.3) frames the body
 */
public record ResponseHead(int status, String reason, Map<String, String> headers, long contentLength) {
    static final int MAX_HEAD = 64 * 1024;
    private static final String TOO_LONG = "HTTP response head longer than " + MAX_HEAD + " bytes";

    public ResponseHead {
        headers = Map.copyOf(headers);
    }

    /**
     * Reads the head up to its empty line, leaving {@code in} at the first byte of the body.
     * Interim responses (1xx other than 101, e.g. a proxy's 100 or 103) are read past: RFC 9110
     * section 15.2 has a client take them even when it did not ask.
     *
     * @throws EOFException when the stream ends first
     * @throws ProtocolException for a malformed status line or field, a head over 64 KiB, or a
     *                           Content-Length that is not a non-negative number
     */
    public static ResponseHead read(InputStream in) throws IOException {
        ResponseHead head = readOne(in);
        while (head.status() >= 100 && head.status() < 200 && head.status() != 101) {
            head = readOne(in);
        }
        return head;
    }

    private static ResponseHead readOne(InputStream in) throws IOException {
        int budget = MAX_HEAD;
        String statusLine = "";
        while (statusLine.isEmpty()) { // RFC 9112 section 2.2: empty lines before it are tolerated
            statusLine = line(
                    in,
                    budget,
                    budget == MAX_HEAD
                            ? "connection closed without a response"
                            : "connection closed before the response's status line",
                    TOO_LONG);
            budget -= statusLine.length() + 2;
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[0-9]{3}")) {
            throw new ProtocolException("malformed HTTP status line: " + statusLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String last = null;
        for (String line = nextField(in, budget); !line.isEmpty(); line = nextField(in, budget)) {
            budget -= line.length() + 2;
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                // obs-fold (RFC 9112 section 5.2): the line continues the previous field's value
                if (last == null) {
                    throw new ProtocolException("malformed HTTP header: folded line before any field: " + line.strip());
                }
                headers.merge(last, line.strip(), (a, b) -> a.isEmpty() ? b : a + " " + b);
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.substring(0, colon).isBlank()) {
                throw new ProtocolException("malformed HTTP header: " + line);
            }
            last = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            headers.merge(last, line.substring(colon + 1).strip(), (a, b) -> a + ", " + b);
        }
        long contentLength = -1;
        String length = headers.get("content-length");
        if (length != null && !headers.containsKey("transfer-encoding")) {
            contentLength = parseContentLength(length);
        }
        return new ResponseHead(Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "", headers, contentLength);
    }

    private static String nextField(InputStream in, int budget) throws IOException {
        return line(in, budget, "connection closed before the response's headers ended", TOO_LONG);
    }

    /** The value of field {@code name} (any case). */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /** True when the body is framed by chunked transfer coding (it must be the final coding). */
    public boolean chunked() {
        String codings = headers.get("transfer-encoding");
        if (codings == null) {
            return false;
        }
        return codings.substring(codings.lastIndexOf(',') + 1).strip().equalsIgnoreCase("chunked");
    }

    /**
     * A Content-Length value: digits, or a list of the same digits (RFC 9112 section 6.3 lets a
     * recipient take "5, 5" as 5). A sign, a negative or an overflowing number is refused here
     * rather than taken as "no length" or left to fail later as an index out of bounds.
     */
    private static long parseContentLength(String value) throws ProtocolException {
        String first = null;
        for (String part : value.split(",", -1)) {
            String digits = part.strip();
            if (!digits.matches("[0-9]{1,18}") || (first != null && !first.equals(digits))) {
                throw new ProtocolException("bad Content-Length: " + value);
            }
            first = digits;
        }
        return Long.parseLong(first);
    }

    /**
     * One line of ISO-8859-1 text without its CRLF (or bare LF, RFC 9112 section 2.2).
     *
     * @param max the most bytes the line may have
     * @param closed the message for a stream that ends before the line does
     * @param tooLong the message for a line over {@code max}
     */
    static String line(InputStream in, int max, String closed, String tooLong) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException(closed);
            }
            if (c == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= max) {
                throw new ProtocolException(tooLong);
            }
            line.append((char) c);
        }
    }
}
