package dev.berth.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Root filesystem tars made offline from the host's static busybox, for import and load tests. */
public final class TestImages {
    private TestImages() {}

    /**
     * A rootfs tar holding /bin/busybox, /bin/sh and the given extra files (path → content).
     * Made with GNU tar, a reference implementation independent of Berth's own tar code.
     */
    public static Path busyboxRootfs(Path workDir, String name, Map<String, String> extraFiles) {
        try {
            Path root = Files.createDirectories(workDir.resolve(name + "-rootfs"));
            Files.createDirectories(root.resolve("bin"));
            Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
            Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("busybox"));
            for (var file : extraFiles.entrySet()) {
                Path target = root.resolve(file.getKey().replaceFirst("^/", ""));
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.getValue());
            }
            Path tar = workDir.resolve(name + ".tar");
            List<String> command = new ArrayList<>(List.of("tar", "-C", root.toString(), "-cf", tar.toString(), "."));
            Commands.run(command, Map.of(), null).ok();
            return tar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of {@code bytes} random bytes: incompressible layer content for large transfers. */
    public static Path randomFile(Path path, long bytes) {
        byte[] chunk = new byte[1 << 20];
        java.util.Random random = new java.util.Random(bytes);
        try (var out = Files.newOutputStream(path)) {
            for (long written = 0; written < bytes; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, bytes - written));
            }
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
