package dev.berth.core.layer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScopedPathTest {
    @TempDir
    Path dir;

    @Test
    void absoluteAndClimbingLinksStayInsideTheRoot() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("real/data"));
        Files.createSymbolicLink(root.resolve("abs"), Path.of("/real"));
        Files.createSymbolicLink(root.resolve("up"), Path.of("../../../../real"));
        Files.createSymbolicLink(root.resolve("top"), Path.of("/"));

        assertThat(ScopedPath.resolve(root, "/abs/data")).contains(root.resolve("real/data"));
        assertThat(ScopedPath.resolve(root, "/up/data")).contains(root.resolve("real/data"));
        assertThat(ScopedPath.resolve(root, "/../../etc")).contains(root.resolve("etc"));
        assertThat(ScopedPath.resolve(root, "top/tmp/x")).contains(root.resolve("tmp/x"));
        assertThat(ScopedPath.resolve(root, "/top")).contains(root);
        assertThat(ScopedPath.resolve(root, "/")).contains(root);
    }

    @Test
    void relativeLinksResolveFromTheirDirectory() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("a/b"));
        Files.createDirectories(root.resolve("a/c"));
        Files.createSymbolicLink(root.resolve("a/b/sib"), Path.of("../c"));
        Files.createSymbolicLink(root.resolve("a/here"), Path.of("./b"));

        assertThat(ScopedPath.resolve(root, "/a/b/sib/file")).contains(root.resolve("a/c/file"));
        assertThat(ScopedPath.resolve(root, "/a/here/sib")).contains(root.resolve("a/c"));
    }

    @Test
    void aLoopHasNoAnswer() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("/loop"));
        Files.createSymbolicLink(root.resolve("ping"), Path.of("pong"));
        Files.createSymbolicLink(root.resolve("pong"), Path.of("ping"));

        assertThat(ScopedPath.resolve(root, "/loop/x")).isEmpty();
        assertThat(ScopedPath.resolve(root, "/ping")).isEmpty();
    }
}
