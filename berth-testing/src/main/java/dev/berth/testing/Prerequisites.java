package dev.berth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one gate of tests that need something of the machine (root, a kernel feature, a program).
 * Under CI ({@code CI=true}) a missing prerequisite fails the test; on a developer's machine it
 * skips it, saying what is missing. Never a silent pass.
 */
public final class Prerequisites {
    private Prerequisites() {}

    /** Fails (CI) or skips the test unless {@code present}; {@code what} names the prerequisite. */
    public static void require(boolean present, String what) {
        require(present ? List.of() : List.of(what));
    }

    /** Fails (CI) or skips the test when anything is {@code missing}. */
    public static void require(List<String> missing) {
        if (missing.isEmpty()) {
            return;
        }
        String message = "prerequisites missing: " + String.join(", ", missing);
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(message + " (CI=true: a missing prerequisite is a failure)");
        }
        Assumptions.abort(message);
    }

    /** The test runs as root (effective uid 0): mounts, namespaces, chown. */
    public static void requireRoot() {
        require(isRoot(), "root");
    }

    /** {@code program} on PATH, else the test fails or skips naming {@code install} (how to get it). */
    public static Path requireProgram(String program, String install) {
        Path found = findOnPath(program);
        require(found != null, program + " (" + install + ")");
        return found;
    }

    /** Each of {@code programs} on PATH (each from the apt package of its name), all missing ones named at once. */
    public static void requirePrograms(String... programs) {
        List<String> missing = new ArrayList<>();
        for (String program : programs) {
            if (findOnPath(program) == null) {
                missing.add(program + " (apt-get install " + program + ")");
            }
        }
        require(missing);
    }

    /** The host's static busybox, from which tests make their root filesystems. */
    public static void requireBusybox() {
        require(Files.isExecutable(Busybox.BINARY), Busybox.BINARY + " (apt-get install busybox-static)");
    }

    /** What a real daemon needs: root, overlayfs in the kernel, the docker CLI and a static busybox. */
    public static void requireDaemonHost() {
        List<String> missing = new ArrayList<>();
        if (!isRoot()) {
            missing.add("root (the daemon mounts and unpacks as root)");
        }
        if (!hasFilesystem("overlay")) {
            missing.add("overlayfs (modprobe overlay)");
        }
        if (findOnPath("docker") == null) {
            missing.add("the docker CLI (apt-get install docker.io)");
        }
        if (!Files.isExecutable(Busybox.BINARY)) {
            missing.add(Busybox.BINARY + " (apt-get install busybox-static)");
        }
        require(missing);
    }

    /** {@code program} in a directory of PATH, or null. */
    public static Path findOnPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The effective uid is 0 (the Uid line of /proc/self/status: real, effective, saved, fs). */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean hasFilesystem(String type) {
        try {
            return Files.readAllLines(Path.of("/proc/filesystems")).stream()
                    .anyMatch(line -> line.endsWith("\t" + type));
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
