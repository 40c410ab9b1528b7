package dev.berth.build.builder;

/**
 * A RUN step's command ended with a non-zero code. The message is dockerd's ({@code The command
 * '/bin/sh -c false' returned a non-zero code: 1}); the code goes into the error message's
 * detail, where {@code docker build} takes its exit status from.
 */
public final class StepFailed extends RuntimeException {
    private final int code;

    StepFailed(String command, int code) {
        super("The command '" + command + "' returned a non-zero code: " + code, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
