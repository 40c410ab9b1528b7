package dev.berth.core.error;

/**
 * The one exception type Berth's services throw. Its {@link ErrorKind} decides the transport
 * status; its message is shown to the user as is, so it names the thing (image, path, digest
 * expected and seen). Never branch on the message text.
 */
public final class BerthException extends RuntimeException {
    private final ErrorKind kind;

    public BerthException(ErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public BerthException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }

    public static BerthException invalid(String format, Object... args) {
        return new BerthException(ErrorKind.INVALID_ARGUMENT, format.formatted(args));
    }

    public static BerthException notFound(String format, Object... args) {
        return new BerthException(ErrorKind.NOT_FOUND, format.formatted(args));
    }

    public static BerthException alreadyExists(String format, Object... args) {
        return new BerthException(ErrorKind.ALREADY_EXISTS, format.formatted(args));
    }

    public static BerthException conflict(String format, Object... args) {
        return new BerthException(ErrorKind.CONFLICT, format.formatted(args));
    }

    public static BerthException dataLoss(String format, Object... args) {
        return new BerthException(ErrorKind.DATA_LOSS, format.formatted(args));
    }

    public static BerthException unavailable(String format, Object... args) {
        return new BerthException(ErrorKind.UNAVAILABLE, format.formatted(args));
    }

    public static BerthException notImplemented(String format, Object... args) {
        return new BerthException(ErrorKind.NOT_IMPLEMENTED, format.formatted(args));
    }

    public static BerthException internal(String message, Throwable cause) {
        return new BerthException(ErrorKind.INTERNAL, message, cause);
    }
}
