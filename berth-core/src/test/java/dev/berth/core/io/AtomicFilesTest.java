package dev.berth.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.io.AtomicFiles.Access;
import dev.berth.core.io.AtomicFiles.Sync;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writeReplacesTheWholeFileAndLeavesNoTemporaryName() throws IOException {
        Path file = dir.resolve("sub/state.json");
        AtomicFiles.write(file, "old".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(file, "new".getBytes(StandardCharsets.UTF_8));

        assertThat(file).hasContent("new");
        assertThat(dir.resolve("sub")).isDirectoryContaining(p -> p.equals(file));
        try (var entries = Files.list(dir.resolve("sub"))) {
            assertThat(entries).containsExactly(file);
        }
    }

    @Test
    void ownerOnlyFilesAre0600FromTheStart() throws IOException {
        Path file = dir.resolve("config.json");
        AtomicFiles.write(file, "{}".getBytes(StandardCharsets.UTF_8), Access.OWNER_ONLY);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }

    @Test
    void aWriterThatFailsLeavesTheOldFileAndNoTemporaryName() throws IOException {
        Path file = dir.resolve("image.tar");
        AtomicFiles.write(file, "complete".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> AtomicFiles.write(file, Access.OWNER_ONLY, Sync.VOLATILE, out -> {
                    out.write("half".getBytes(StandardCharsets.UTF_8));
                    throw new IOException("the stream ended early");
                }))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("the stream ended early");
        assertThat(file).hasContent("complete");
        try (var entries = Files.list(dir)) {
            assertThat(entries).containsExactly(file);
        }
    }

    @Test
    void moveNoReplaceRefusesAnExistingTargetAndLeavesBoth() throws IOException {
        Path staged = Files.createDirectories(dir.resolve(".tmp-1/fs"));
        Path taken = Files.createDirectories(dir.resolve("layer/fs"));

        assertThatThrownBy(() -> AtomicFiles.moveNoReplace(staged.getParent(), taken.getParent(), Sync.DURABLE))
                .isInstanceOf(BerthException.class)
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.ALREADY_EXISTS);
        assertThat(staged).isDirectory();
        assertThat(taken).isDirectory();

        AtomicFiles.moveNoReplace(staged.getParent(), dir.resolve("other"), Sync.DURABLE);
        assertThat(dir.resolve("other/fs")).isDirectory();
        assertThat(staged.getParent()).doesNotExist();
    }

    @Test
    void moveReplacesTheTarget() throws IOException {
        Path ingest = Files.writeString(dir.resolve("ingest"), "blob");
        Path target =
                Files.writeString(Files.createDirectories(dir.resolve("blobs")).resolve("x"), "stale");

        AtomicFiles.move(ingest, target);

        assertThat(target).hasContent("blob");
        assertThat(ingest).doesNotExist();
    }
}
