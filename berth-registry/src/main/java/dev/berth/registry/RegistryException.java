package dev.berth.registry;

import java.util.List;
import java.util.Map;

/**
 * A failure the registry reports to its client as an OCI error body. The spec's codes are finer
 * than {@link dev.berth.core.error.ErrorKind} (an unknown blob, manifest, upload and repository
 * are four codes of one kind), and only the registry's service knows which one applies, so it
 * names the code here; every other exception is mapped by kind in {@code http.ErrorResponses}.
 * One response may carry several errors (a manifest naming three unknown blobs).
 */
public final class RegistryException extends RuntimeException {
    /** One entry of the {@code errors} array. */
    public record Entry(OciError code, String message, Map<String, Object> detail) {}

    private final int status;
    private final List<Entry> errors;

    public RegistryException(int status, List<Entry> errors) {
        super(errors.getFirst().message());
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public static RegistryException of(OciError code, String format, Object... args) {
        return new RegistryException(code.status(), List.of(new Entry(code, format.formatted(args), Map.of())));
    }

    public static RegistryException withDetail(
            OciError code, Map<String, Object> detail, String format, Object... args) {
        return new RegistryException(code.status(), List.of(new Entry(code, format.formatted(args), detail)));
    }

    /** The same errors sent with another status (416 for out-of-order chunks, 413 for big manifests). */
    public RegistryException withStatus(int newStatus) {
        return new RegistryException(newStatus, errors);
    }

    public int status() {
        return status;
    }

    public List<Entry> errors() {
        return errors;
    }

    public OciError code() {
        return errors.getFirst().code();
    }
}
