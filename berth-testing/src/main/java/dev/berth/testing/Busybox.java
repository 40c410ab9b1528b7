package dev.berth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/** Root filesystems made offline from the host's static busybox (Debian's busybox-static). */
public final class Busybox {
    public static final Path BINARY = Path.of("/bin/busybox");

    private Busybox() {}

    /**
     * A root filesystem for a runtime bundle in {@code dir}: /bin/busybox with a link per applet,
     * root and nobody in /etc/passwd and /etc/group, the usual mount points, a 1777 /tmp.
     */
    public static Path bundleRootfs(Path dir) {
        try {
            for (String d : List.of("bin", "dev", "proc", "sys", "tmp", "etc", "root")) {
                Files.createDirectories(dir.resolve(d));
            }
            Files.copy(BINARY, dir.resolve("bin/busybox"));
            for (String applet : applets()) {
                // "busybox" is itself in the list: linking it would replace the binary with a loop
                if (!applet.equals("busybox")) {
                    Files.createSymbolicLink(dir.resolve("bin").resolve(applet), Path.of("busybox"));
                }
            }
            Files.writeString(
                    dir.resolve("etc/passwd"),
                    "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
            Files.writeString(dir.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
            Files.setPosixFilePermissions(dir.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code <workDir>/<name>.tar}: a root filesystem of /bin/busybox, /bin/sh and {@code extraFiles}
     * (absolute path → content), for {@code docker import} and as an image's base layer. Made with
     * GNU tar, a reference independent of Berth's own tar code.
     */
    public static Path importTar(Path workDir, String name, Map<String, String> extraFiles) {
        try {
            Path root = Files.createDirectories(workDir.resolve(name + "-rootfs"));
            Files.createDirectories(root.resolve("bin"));
            Files.copy(BINARY, root.resolve("bin/busybox"));
            Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("busybox"));
            for (var file : extraFiles.entrySet()) {
                Path target = root.resolve(file.getKey().replaceFirst("^/", ""));
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.getValue());
            }
            Path tar = workDir.resolve(name + ".tar");
            run(List.of("tar", "-C", root.toString(), "-cf", tar.toString(), "."));
            return tar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> applets() {
        return run(List.of(BINARY.toString(), "--list"))
                .lines()
                .map(String::strip)
                .filter(a -> !a.isEmpty())
                .toList();
    }

    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
