package dev.berth.runtime;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Prerequisites of the root tests and a tiny busybox root filesystem. */
public final class TestEnvironment {
    private TestEnvironment() {}

    /** Skips, or fails under CI=true, when the condition does not hold. */
    public static void require(boolean condition, String what) {
        if (condition) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("prerequisite missing: " + what);
        }
        Assumptions.abort("prerequisite missing: " + what);
    }

    public static void requireRoot() {
        require("root".equals(System.getProperty("user.name")), "running as root");
        require(Files.isExecutable(Path.of("/bin/busybox")), "/bin/busybox (busybox-static)");
    }

    /**
     * A root filesystem of /bin/busybox and its applets as symlinks, plus /notexec (a file without
     * execute bits) for the 126 case.
     */
    public static Path busyboxRootfs(Path dir) throws IOException, InterruptedException {
        for (String d : List.of("bin", "dev", "proc", "sys", "tmp", "etc", "root")) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), dir.resolve("bin/busybox"));
        Process list = new ProcessBuilder("/bin/busybox", "--list").start();
        for (String applet : new String(list.getInputStream().readAllBytes()).split("\n")) {
            // "busybox" is itself in the list: linking it would replace the binary with a loop
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(dir.resolve("bin").resolve(applet.trim()), Path.of("busybox"));
            }
        }
        list.waitFor();
        Files.writeString(
                dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
        Files.writeString(dir.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
        Path notExec = dir.resolve("notexec");
        Files.writeString(notExec, "#!/bin/sh\necho should not run\n");
        Files.setPosixFilePermissions(notExec, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dir.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        return dir;
    }

    /** Lines of /proc/self/mountinfo that mention the path. */
    public static List<String> mountsUnder(Path path) throws IOException {
        String p = path.toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.contains(p))
                .toList();
    }
}
