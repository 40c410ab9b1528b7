package dev.berth.core.error;

/**
 * The closed set of failure classes. The code that knows the fact picks the kind; each boundary
 * (Docker API status, OCI registry error code, CLI exit code) maps kinds in exactly one place.
 */
public enum ErrorKind {
    /** The caller sent something malformed: a bad reference, a bad tar, an unknown parameter. */
    INVALID_ARGUMENT,
    /** The named object (image, container, blob, tag …) does not exist. */
    NOT_FOUND,
    /** An object with that name or ID exists already. */
    ALREADY_EXISTS,
    /** The request clashes with the object's state (image in use, container running …). */
    CONFLICT,
    /** No or wrong credentials. */
    UNAUTHORIZED,
    /** Credentials are fine, the action is not allowed. */
    FORBIDDEN,
    /** A dependency (registry, runtime, disk) is not reachable now; retrying may help. */
    UNAVAILABLE,
    /** Stored or received bytes are not what they claim to be (digest or size mismatch, truncation). */
    DATA_LOSS,
    /** The feature is known but Berth does not do it (yet). */
    NOT_IMPLEMENTED,
    /** A bug or an unexpected system failure. */
    INTERNAL
}
