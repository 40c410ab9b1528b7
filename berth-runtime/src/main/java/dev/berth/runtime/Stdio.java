package dev.berth.runtime;

import java.nio.file.Path;

/**
 * Where a container's stdin, stdout and stderr go: files or fifos the daemon reads and writes;
 * null means /dev/null. With a terminal, stdin feeds the pty and stdout receives it.
 */
public record Stdio(Path stdin, Path stdout, Path stderr) {
    public static Stdio none() {
        return new Stdio(null, null, null);
    }
}
