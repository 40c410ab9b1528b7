package dev.berth.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Layer tars of regular files, the common case of {@link TarBuilder}: each file after the
 * directories above it (0755), files 0644, in the order given.
 */
public final class Layers {
    private Layers() {}

    /** One layer of {@code files} (path → text). */
    public static byte[] of(Map<String, String> files) {
        TarBuilder tar = new TarBuilder();
        Set<String> dirs = new LinkedHashSet<>();
        files.forEach((path, content) -> {
            parents(tar, path, dirs);
            tar.file(path, content);
        });
        return tar.build();
    }

    /** One layer holding the file at {@code path}. */
    public static byte[] of(String path, byte[] content) {
        TarBuilder tar = new TarBuilder();
        parents(tar, path, new LinkedHashSet<>());
        return tar.file(path, content).build();
    }

    /** One layer holding the file at {@code path}. */
    public static byte[] of(String path, String content) {
        return of(path, content.getBytes(StandardCharsets.UTF_8));
    }

    /** A layer written to {@code tar} holding one file of {@code size} random bytes at {@code path}. */
    public static Path randomFile(Path tar, String path, long size) {
        Path content = Blobs.randomFile(tar.resolveSibling(tar.getFileName() + ".content"), size);
        try (InputStream in = Files.newInputStream(content)) {
            TarBuilder builder = TarBuilder.to(Files.newOutputStream(tar));
            parents(builder, path, new LinkedHashSet<>());
            builder.file(path, size, in, 0644, e -> {}).finish();
            Files.delete(content);
            return tar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void parents(TarBuilder tar, String path, Set<String> made) {
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            String dir = path.substring(0, slash + 1);
            if (made.add(dir)) {
                tar.dir(dir);
            }
        }
    }
}
