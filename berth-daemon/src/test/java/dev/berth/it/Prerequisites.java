package dev.berth.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * What integration tests need from the machine. Under CI ({@code CI=true}) a missing
 * prerequisite fails the test; on a developer's machine it skips it, saying what is missing.
 */
public final class Prerequisites {
    private Prerequisites() {}

    /** Root, overlayfs in the kernel, the docker CLI and a static busybox. */
    public static void requireDaemonHost() {
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            missing.add("root (the daemon mounts and unpacks as root)");
        }
        if (!filesystemsList().contains("overlay")) {
            missing.add("overlayfs (modprobe overlay)");
        }
        if (findOnPath("docker") == null) {
            missing.add("the docker CLI (apt-get install docker.io)");
        }
        if (!Files.isExecutable(Path.of("/bin/busybox"))) {
            missing.add("/bin/busybox (apt-get install busybox-static)");
        }
        require(missing);
    }

    public static void require(List<String> missing) {
        if (missing.isEmpty()) {
            return;
        }
        String message = "integration test prerequisites missing: " + String.join(", ", missing);
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
    }

    public static Path findOnPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String filesystemsList() {
        try {
            return Files.readString(Path.of("/proc/filesystems"));
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
