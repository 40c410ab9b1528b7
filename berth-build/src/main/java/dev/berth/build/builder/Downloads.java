package dev.berth.build.builder;

import dev.berth.core.digest.Digest;
import dev.berth.core.digest.DigestingInputStream;
import dev.berth.core.error.BerthException;
import dev.berth.http.client.ClientRequest;
import dev.berth.http.client.ClientResponse;
import dev.berth.http.client.HttpClient;
import dev.berth.http.client.Target;
import dev.berth.http.client.Tls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Fetches what a build takes from http(s) URLs: {@code ADD <url>} sources and a {@code remote}
 * build context, through berth-http's client. Redirects are followed; the file is written to the
 * build's workspace and its sha256 computed on the way.
 */
final class Downloads {
    /** As many as Go's client follows (Docker's builder fetches with it). */
    private static final int MAX_REDIRECTS = 10;

    private final HttpClient client = new HttpClient(Duration.ofSeconds(30), "berth");
    private final Tls tls;

    Downloads() {
        try {
            tls = new Tls(SSLContext.getDefault().getSocketFactory(), true);
        } catch (GeneralSecurityException e) {
            throw BerthException.internal("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** A fetched file: where it is, its digest, and the server's Last-Modified time when it sent one. */
    record Fetched(Path file, Digest digest, Optional<Instant> lastModified) {}

    static boolean isUrl(String source) {
        return source.startsWith("http://") || source.startsWith("https://");
    }

    Fetched fetch(String url, Path file) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw BerthException.invalid("invalid URL %s: %s", url, e.getMessage());
        }
        try {
            ClientResponse response = get(uri);
            try (response;
                    InputStream body = response.body()) {
                if (response.status() / 100 != 2) {
                    throw BerthException.notFound("failed to GET %s with status %d", url, response.status());
                }
                DigestingInputStream digesting = new DigestingInputStream(body, "sha256");
                try (OutputStream out = Files.newOutputStream(file)) {
                    digesting.transferTo(out);
                }
                return new Fetched(
                        file,
                        digesting.digest(),
                        response.header("Last-Modified").flatMap(Downloads::httpDate));
            }
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw BerthException.unavailable("Build cancelled");
            }
            throw BerthException.unavailable("failed to GET %s: %s", url, e.getMessage());
        }
    }

    /** GETs {@code uri}, following redirects, but not from https to http (what the JDK's NORMAL policy does). */
    private ClientResponse get(URI uri) throws IOException {
        for (int hops = 0; ; hops++) {
            // A build fetches now and then: nothing is kept for a next request.
            ClientResponse response = client.send(
                    Target.of(uri, tls), ClientRequest.of("GET", uri).header("Connection", "close"));
            Optional<String> location = response.header("Location");
            if (!response.isRedirect() || location.isEmpty() || hops >= MAX_REDIRECTS) {
                return response;
            }
            URI next = uri.resolve(location.get());
            if ("https".equals(uri.getScheme()) && !"https".equals(next.getScheme())) {
                return response;
            }
            response.close();
            uri = next;
        }
    }

    private static Optional<Instant> httpDate(String value) {
        try {
            return Optional.of(ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
