package dev.berth.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.layer.LayerDigest;
import dev.berth.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every Snapshotter must do without mounting anything; run against each implementation. */
abstract class SnapshotterContract {
    @TempDir
    Path dataRoot;

    Snapshotter snapshotter;

    abstract Snapshotter create(Path dataRoot);

    @BeforeEach
    void setUp() {
        snapshotter = create(dataRoot);
    }

    private LayerDigest unpack(String parent, String name, byte[] layer) {
        return Snapshots.unpack(snapshotter, new ByteArrayInputStream(layer), parent, name, null);
    }

    @Test
    void unpackCommitsUnderTheNameAndReportsTheDiffId() {
        byte[] layer = new TarBuilder().file("etc/os-release", "berth").build();
        LayerDigest result = unpack(null, "base", layer);

        assertThat(result.diffId()).isEqualTo(Digest.sha256(layer));
        assertThat(snapshotter.exists("base")).isTrue();
        assertThat(snapshotter.list()).containsExactly("base");
        assertThat(snapshotter.usage("base")).isEqualTo(5);
    }

    @Test
    void activeSnapshotsAreNotCommittedUntilCommit() {
        Path fs = snapshotter.prepare("active-1", null);
        assertThat(fs).isEmptyDirectory();
        assertThat(snapshotter.exists("active-1")).isFalse();
        assertThat(snapshotter.list()).contains("active-1");

        snapshotter.commit("active-1", "done");
        assertThat(snapshotter.exists("done")).isTrue();
        assertThat(snapshotter.list()).containsExactly("done");
    }

    @Test
    void commitOntoAnExistingNameIsAlreadyExistsAndKeepsBoth() {
        unpack(null, "base", new TarBuilder().file("a", "a").build());
        snapshotter.prepare("k", null);
        assertThatThrownBy(() -> snapshotter.commit("k", "base"))
                .isInstanceOf(BerthException.class)
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.ALREADY_EXISTS);
        assertThat(snapshotter.exists("base")).isTrue();
        assertThat(snapshotter.list()).contains("k");
        snapshotter.remove("k");
    }

    @Test
    void unpackingALayerThatExistsAlreadyKeepsTheFirstAndLeavesNoGarbage() {
        byte[] layer = new TarBuilder().file("a", "a").build();
        unpack(null, "base", layer);
        unpack(null, "base", layer);
        assertThat(snapshotter.list()).containsExactly("base");
    }

    @Test
    void aRefusedLayerLeavesNothingBehind() {
        byte[] evil = new TarBuilder()
                .symlink("link", "/etc")
                .file("link/passwd", "x")
                .build();
        assertThatThrownBy(() -> unpack(null, "evil", evil))
                .isInstanceOf(BerthException.class)
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.INVALID_ARGUMENT);
        assertThat(snapshotter.list()).isEmpty();
        assertThat(snapshotter.exists("evil")).isFalse();
    }

    @Test
    void aDiffIdMismatchIsDataLossAndLeavesNothing() {
        byte[] layer = new TarBuilder().file("a", "a").build();
        Digest wrong = Digest.sha256(new byte[] {1});
        assertThatThrownBy(() -> Snapshots.unpack(snapshotter, new ByteArrayInputStream(layer), null, "x", wrong))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining(wrong.toString())
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.DATA_LOSS);
        assertThat(snapshotter.list()).isEmpty();
    }

    /**
     * A parent must exist for prepare; for prepareAhead only where unpacking needs its files (vfs
     * copies them). One that is only named (overlay: a lowerdir at mount time) may come later, as
     * when a pull unpacks the layers of an image side by side, but nothing mounts before it is.
     */
    @Test
    void aMissingParentIsRefusedWhenItsFilesAreNeededAndOtherwiseAtMountTime() {
        if (snapshotter.whiteoutMode().needsParentFiles()) {
            assertThatThrownBy(() -> snapshotter.prepareAhead("k", "nope"))
                    .isInstanceOf(BerthException.class)
                    .extracting(e -> ((BerthException) e).kind())
                    .isEqualTo(ErrorKind.NOT_FOUND);
            assertThat(snapshotter.list()).isEmpty();
            return;
        }
        assertThatThrownBy(() -> snapshotter.prepare("k", "base"))
                .isInstanceOf(BerthException.class)
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.NOT_FOUND);
        snapshotter.prepareAhead("top-key", "base");
        snapshotter.commit("top-key", "top");
        assertThatThrownBy(() -> snapshotter.mounts("top"))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("base")
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.DATA_LOSS);
        unpack(null, "base", new TarBuilder().file("a", "a").build());
        assertThat(snapshotter.mounts("top")).isNotEmpty();
        snapshotter.remove("top");
        snapshotter.remove("base");
        assertThat(snapshotter.list()).isEmpty();
    }

    @Test
    void badNamesAreRefused() {
        assertThatThrownBy(() -> snapshotter.prepare("k", "../up"))
                .isInstanceOf(BerthException.class)
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.INVALID_ARGUMENT);
        for (String bad : new String[] {"../x", "a/b", "", ".hidden", "l"}) {
            assertThatThrownBy(() -> snapshotter.prepare(bad, null))
                    .isInstanceOf(BerthException.class)
                    .extracting(e -> ((BerthException) e).kind())
                    .isEqualTo(ErrorKind.INVALID_ARGUMENT);
        }
        assertThat(snapshotter.list()).isEmpty();
    }

    @Test
    void aParentCannotBeRemovedBeforeItsChildren() {
        unpack(null, "base", new TarBuilder().file("a", "a").build());
        unpack("base", "top", new TarBuilder().file("b", "b").build());
        assertThatThrownBy(() -> snapshotter.remove("base"))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("top")
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.CONFLICT);
        unpack("base", "another-child", new TarBuilder().file("c", "c").build());
        // list order is safe for garbage collection: children first
        assertThat(snapshotter.list()).containsExactly("another-child", "top", "base");
        snapshotter.list().forEach(snapshotter::remove);
        snapshotter.remove("base"); // absent is fine
        assertThat(snapshotter.list()).isEmpty();
    }

    @Test
    void garbageLeftByACrashIsListedAndRemovable() throws Exception {
        Path staging = Files.createDirectories(dataRoot.resolve("snapshots/.tmp-ABC123/fs/half"));
        Files.writeString(staging.resolve("file"), "half-unpacked");
        assertThat(snapshotter.list()).containsExactly(".tmp-ABC123");
        assertThatThrownBy(() -> snapshotter.remove(".tmp-../../outside"))
                .isInstanceOf(BerthException.class)
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.INVALID_ARGUMENT);
        snapshotter.remove(".tmp-ABC123");
        assertThat(snapshotter.list()).isEmpty();
    }

    @Test
    void diffOfAContainerSnapshotHoldsItsNewFiles() throws Exception {
        unpack(null, "base", new TarBuilder().file("etc/hostname", "old").build());
        Path fs = snapshotter.prepare("container", "base");
        Files.createDirectories(fs.resolve("app"));
        Files.writeString(fs.resolve("app/main"), "new");

        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        snapshotter.diff("container", tar);

        assertThat(TarBuilder.names(tar.toByteArray())).containsExactly("app/", "app/main");
    }
}
