package dev.berth.engine.distribution;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one place where a registry's failures become {@link ErrorKind}s: the error codes of the
 * OCI Distribution Spec ("Error Codes"; Docker Hub adds TOOMANYREQUESTS) first, the HTTP status
 * when the body has none. Messages read like Docker's: {@code <context>: <code lower-cased>: <message>}.
 */
public final class RegistryErrors {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Body(List<Entry> errors) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Entry(String code, String message) {}

    private RegistryErrors() {}

    /**
     * The codes of a registry's error answer, kept as the cause of the BerthException it becomes:
     * a caller that must tell two failures of one kind apart (NAME_UNKNOWN from MANIFEST_UNKNOWN)
     * asks {@link #hasCode} instead of reading the message.
     */
    static final class Codes extends Exception {
        private final List<String> codes;

        Codes(int status, List<String> codes) {
            super("registry answered " + status + " " + codes, null, false, false);
            this.codes = List.copyOf(codes);
        }
    }

    /** True when {@code failure} came from a registry answer that carried {@code code}. */
    public static boolean hasCode(Throwable failure, String code) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Codes c && c.codes.contains(code)) {
                return true;
            }
        }
        return false;
    }

    /** The kind an error code stands for, or null for a code this table does not know. */
    public static ErrorKind kindOf(String code) {
        if (code == null) {
            return null;
        }
        return switch (code) {
            case "BLOB_UNKNOWN", "BLOB_UPLOAD_UNKNOWN", "MANIFEST_UNKNOWN", "NAME_UNKNOWN" -> ErrorKind.NOT_FOUND;
            case "BLOB_UPLOAD_INVALID",
                    "DIGEST_INVALID",
                    "MANIFEST_BLOB_UNKNOWN",
                    "MANIFEST_INVALID",
                    "NAME_INVALID",
                    "SIZE_INVALID",
                    "TAG_INVALID",
                    "RANGE_INVALID",
                    "PAGINATION_NUMBER_INVALID",
                    "MANIFEST_UNVERIFIED" -> ErrorKind.INVALID_ARGUMENT;
            case "UNAUTHORIZED" -> ErrorKind.UNAUTHORIZED;
            case "DENIED" -> ErrorKind.FORBIDDEN;
            case "UNSUPPORTED" -> ErrorKind.NOT_IMPLEMENTED;
            case "TOOMANYREQUESTS", "UNAVAILABLE" -> ErrorKind.UNAVAILABLE;
            default -> null;
        };
    }

    /** The kind an HTTP status stands for when the body names no known code. */
    public static ErrorKind kindOf(int status) {
        return switch (status) {
            case 400, 411, 413, 416 -> ErrorKind.INVALID_ARGUMENT;
            case 401 -> ErrorKind.UNAUTHORIZED;
            case 403 -> ErrorKind.FORBIDDEN;
            case 404 -> ErrorKind.NOT_FOUND;
            case 405 -> ErrorKind.NOT_IMPLEMENTED;
            case 409 -> ErrorKind.CONFLICT;
            case 408, 429, 502, 503, 504 -> ErrorKind.UNAVAILABLE;
            default -> ErrorKind.INTERNAL;
        };
    }

    /**
     * The exception for a failed registry response. {@code context} says what was asked
     * ("manifest for 127.0.0.1:5000/a:1", "blob sha256:… of 127.0.0.1:5000/a").
     */
    public static BerthException from(int status, byte[] body, String context) {
        return from(status, body, kind -> context);
    }

    /** As {@link #from(int, byte[], String)}, with a context worded per kind ("manifest for … not found"). */
    public static BerthException from(
            int status, byte[] body, java.util.function.Function<ErrorKind, String> contextFor) {
        List<Entry> entries = parse(body);
        ErrorKind kind = entries.stream()
                .map(e -> kindOf(e.code()))
                .filter(k -> k != null)
                .findFirst()
                .orElse(kindOf(status));
        String context = contextFor.apply(kind);
        // a 401 without the spec's body (a HEAD has none) is distribution's ErrorCodeUnauthorized,
        // as Docker's client reads it (registry/client HandleErrorResponse)
        String detail = !entries.isEmpty()
                ? entries.stream().map(RegistryErrors::describe).collect(Collectors.joining("; "))
                : status == 401 ? "unauthorized: authentication required" : "unexpected status " + status;
        List<String> codes =
                entries.stream().map(Entry::code).filter(c -> c != null).toList();
        return new BerthException(kind, context + ": " + detail, new Codes(status, codes));
    }

    private static String describe(Entry e) {
        String code = e.code() == null
                ? "unknown"
                : e.code().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        return e.message() == null || e.message().isEmpty() ? code : code + ": " + e.message();
    }

    private static List<Entry> parse(byte[] body) {
        if (body == null || body.length == 0) {
            return List.of();
        }
        try {
            Body parsed = JSON.readValue(body, Body.class);
            return parsed == null || parsed.errors() == null ? List.of() : parsed.errors();
        } catch (IOException e) {
            return List.of(); // not the spec's JSON (a proxy's HTML page): the status decides
        }
    }
}
