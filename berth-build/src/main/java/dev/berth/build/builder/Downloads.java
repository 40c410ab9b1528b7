package dev.berth.build.builder;

import dev.berth.core.digest.Digest;
import dev.berth.core.digest.DigestingInputStream;
import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Fetches what a build takes from http(s) URLs: {@code ADD <url>} sources and a {@code remote}
 * build context. Redirects are followed; the file is written to the build's workspace and its
 * sha256 computed on the way.
 */
final class Downloads {
    private final HttpClient client = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .build();

    /** A fetched file: where it is, its digest, and the server's Last-Modified time when it sent one. */
    record Fetched(Path file, Digest digest, Optional<Instant> lastModified) {}

    static boolean isUrl(String source) {
        return source.startsWith("http://") || source.startsWith("https://");
    }

    Fetched fetch(String url, Path file) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).GET().build();
        } catch (IllegalArgumentException e) {
            throw BerthException.invalid("invalid URL %s: %s", url, e.getMessage());
        }
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() / 100 != 2) {
                    throw BerthException.notFound("failed to GET %s with status %d", url, response.statusCode());
                }
                DigestingInputStream digesting = new DigestingInputStream(body, "sha256");
                try (OutputStream out = Files.newOutputStream(file)) {
                    digesting.transferTo(out);
                }
                return new Fetched(
                        file,
                        digesting.digest(),
                        response.headers().firstValue("Last-Modified").flatMap(Downloads::httpDate));
            }
        } catch (IOException e) {
            throw BerthException.unavailable("failed to GET %s: %s", url, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BerthException.unavailable("Build cancelled");
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
