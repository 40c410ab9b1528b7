package dev.berth.core.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InRootTest {
    @TempDir
    Path dir;

    @Test
    void symlinksOnTheWayAreFollowedInsideTheRoot() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "host\n");
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve(outside.toString().substring(1)));
        Files.writeString(root.resolve(outside.toString().substring(1)).resolve("secret"), "inside\n");
        Files.createSymbolicLink(root.resolve("up"), Path.of("/"));
        Files.createSymbolicLink(root.resolve("dots"), Path.of("../../../../../../.."));

        try (InRoot files = InRoot.open(root)) {
            for (String link : new String[] {"up", "dots"}) {
                Path through = root.resolve(link + outside).resolve("secret");
                assertThat(files.<String>object(through, Files::readString)).isEqualTo("inside\n");
                assertThat(files.<String>entry(through, Files::readString)).isEqualTo("inside\n");
            }
        }
    }

    @Test
    void theLastComponentIsTheEntryItselfAndTheObjectIsPinned() throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createSymbolicLink(root.resolve("link"), Path.of("/etc"));
        try (InRoot files = InRoot.open(root)) {
            Path link = root.resolve("link");
            assertThat(files.<Boolean>entry(link, Files::isSymbolicLink)).isTrue();
            // the pinned object is the link itself: a following stat or chmod does not reach /etc
            assertThat(files.<Boolean>object(link, p -> Files.isDirectory(p))).isFalse();
            assertThat(files.<Boolean>entry(root, p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)))
                    .isTrue();
        }
    }

    @Test
    void aMissingDirectoryOnTheWayIsNotFound() {
        try (InRoot files = InRoot.open(dir)) {
            assertThatThrownBy(() -> files.entry(dir.resolve("no/such"), Files::exists))
                    .isInstanceOf(BerthException.class)
                    .hasMessageContaining("ENOENT");
            assertThatThrownBy(() -> files.entry(Path.of("/etc/passwd"), Files::exists))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
