package dev.berth.cli.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A stand-in for the daemon in unit tests: an HTTP/1.1 server on a Unix socket that records each
 * request and answers from a handler. It speaks the protocol plainly (so tests also check what the
 * client puts on the wire) and needs no root.
 */
public final class FakeDaemon implements AutoCloseable {
    /** A request as received, body decoded from Content-Length or chunked framing. */
    public record Request(String method, String rawTarget, Map<String, String> headers, byte[] body, boolean chunked) {
        /** The target without its API version prefix. */
        public String target() {
            return rawTarget.replaceFirst("^/v1\\.\\d+", "");
        }

        public String path() {
            String target = target();
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        public String query() {
            String target = target();
            int q = target.indexOf('?');
            return q < 0 ? "" : target.substring(q + 1);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** An answer: status, content type and body chunks (written as one chunked body when several). */
    public record Response(int status, String contentType, List<byte[]> chunks) {
        public static Response json(int status, String json) {
            return new Response(status, "application/json", List.of(json.getBytes(StandardCharsets.UTF_8)));
        }

        public static Response stream(String contentType, String... parts) {
            List<byte[]> chunks = new ArrayList<>();
            for (String part : parts) {
                chunks.add(part.getBytes(StandardCharsets.UTF_8));
            }
            return new Response(200, contentType, chunks);
        }
    }

    private final ServerSocketChannel server;
    private final Path socket;
    private final Function<Request, Response> handler;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final Thread acceptor;
    private final String apiVersion;

    public FakeDaemon(Path socket, Function<Request, Response> handler) throws IOException {
        this(socket, "1.50", handler);
    }

    /** A daemon whose /_ping offers {@code apiVersion}. */
    public FakeDaemon(Path socket, String apiVersion, Function<Request, Response> handler) throws IOException {
        this.socket = socket;
        this.apiVersion = apiVersion;
        this.handler = handler;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        this.acceptor = Thread.ofVirtual().start(this::serve);
    }

    /** A daemon on TCP, 127.0.0.1 and a free port. */
    public FakeDaemon(Function<Request, Response> handler) throws IOException {
        this.socket = null;
        this.apiVersion = "1.50";
        this.handler = handler;
        this.server = ServerSocketChannel.open();
        server.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
        this.acceptor = Thread.ofVirtual().start(this::serve);
    }

    public String uri() {
        if (socket == null) {
            try {
                return "tcp://127.0.0.1:" + ((java.net.InetSocketAddress) server.getLocalAddress()).getPort();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return "unix://" + socket;
    }

    /** Every request, the version ping included. */
    public List<Request> allRequests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Requests other than the client's version ping, in order. */
    public List<Request> requests() {
        synchronized (requests) {
            return requests.stream().filter(r -> !r.path().equals("/_ping")).toList();
        }
    }

    private void serve() {
        while (server.isOpen()) {
            try {
                SocketChannel channel = server.accept();
                Thread.ofVirtual().start(() -> handle(channel));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(SocketChannel channel) {
        try (channel) {
            InputStream in = Channels.newInputStream(channel);
            OutputStream out = Channels.newOutputStream(channel);
            String requestLine = line(in);
            String[] parts = requestLine.split(" ");
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                headers.put(
                        h.substring(0, colon).toLowerCase(Locale.ROOT),
                        h.substring(colon + 1).strip());
            }
            boolean chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
            byte[] body;
            if (parts[1].contains("/early-error")) {
                body = new byte[0]; // answer without reading the upload, as a daemon rejecting it would
            } else if (chunked) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                while (true) {
                    int size = Integer.parseInt(line(in).strip(), 16);
                    if (size == 0) {
                        line(in);
                        break;
                    }
                    all.write(in.readNBytes(size));
                    line(in);
                }
                body = all.toByteArray();
            } else if (headers.containsKey("content-length")) {
                body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            } else {
                body = new byte[0];
            }
            Request request = new Request(parts[0], parts[1], headers, body, chunked);
            requests.add(request);
            Response response = request.path().equals("/_ping")
                    ? new Response(200, "text/plain", List.of("OK".getBytes(StandardCharsets.UTF_8)))
                    : handler.apply(request);
            StringBuilder head = new StringBuilder("HTTP/1.1 ")
                    .append(response.status())
                    .append(" X\r\n")
                    .append("Api-Version: ")
                    .append(apiVersion)
                    .append("\r\nContent-Type: ")
                    .append(response.contentType())
                    .append("\r\n");
            if (response.chunks().size() == 1) {
                head.append("Content-Length: ")
                        .append(response.chunks().getFirst().length)
                        .append("\r\n\r\n");
                out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
                out.write(response.chunks().getFirst());
            } else {
                head.append("Transfer-Encoding: chunked\r\n\r\n");
                out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
                for (byte[] chunk : response.chunks()) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
        } catch (IOException | RuntimeException e) {
            // the test sees the client's side of it
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("eof");
            }
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
