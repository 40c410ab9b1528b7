package dev.berth.registry.error;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A failure the registry reports to its client as an OCI error body. The spec's codes are finer
 * than {@link dev.berth.core.error.ErrorKind} (an unknown blob, manifest, upload and repository
 * are four codes of one kind), and only the registry's service knows which one applies, so it
 * names the code here; every other exception is mapped by kind in {@code http.ErrorResponses}.
 * One response may carry several errors (a manifest naming three unknown blobs), and headers that
 * tell the client how to go on (the challenge of a 401, where an upload stands after a 416).
 */
public final class RegistryException extends RuntimeException {
    /** One entry of the {@code errors} array. */
    public record Entry(OciError code, String message, Map<String, Object> detail) {}

    private final int status;
    private final List<Entry> errors;
    private final Map<String, String> headers;

    public RegistryException(int status, List<Entry> errors) {
        this(status, errors, Map.of());
    }

    private RegistryException(int status, List<Entry> errors, Map<String, String> headers) {
        super(errors.getFirst().message());
        this.status = status;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    public static RegistryException of(OciError code, String format, Object... args) {
        return new RegistryException(code.status(), List.of(new Entry(code, format.formatted(args), Map.of())));
    }

    public static RegistryException withDetail(
            OciError code, Map<String, Object> detail, String format, Object... args) {
        return new RegistryException(code.status(), List.of(new Entry(code, format.formatted(args), detail)));
    }

    /** The digest a client named, or DIGEST_INVALID naming it. */
    public static Digest digest(String text) {
        try {
            return Digest.parse(text);
        } catch (BerthException e) {
            throw withDetail(OciError.DIGEST_INVALID, Map.of("digest", text), "%s", e.getMessage());
        }
    }

    /** The same errors sent with another status (416 for out-of-order chunks, 413 for big manifests). */
    public RegistryException withStatus(int newStatus) {
        return new RegistryException(newStatus, errors, headers);
    }

    /** The same errors with one more response header. */
    public RegistryException withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new RegistryException(status, errors, more);
    }

    public int status() {
        return status;
    }

    public List<Entry> errors() {
        return errors;
    }

    /** Headers the error response carries besides its body. */
    public Map<String, String> headers() {
        return headers;
    }

    public OciError code() {
        return errors.getFirst().code();
    }
}
