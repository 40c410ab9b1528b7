package dev.berth.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.sys.Mounts;
import dev.berth.testing.Prerequisites;
import dev.berth.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a container sees through a snapshotter's mounts (root); run against each implementation. */
abstract class SnapshotterMountContract {
    @TempDir
    Path tmp;

    Path dataRoot;
    Path rootfs;
    Snapshotter snapshotter;

    abstract Snapshotter create(Path dataRoot);

    /** Layers in the long-chain test: overlay must mount 120+; vfs copies every layer, so fewer. */
    abstract int chainLength();

    /** Implementation-specific checks of a long chain's mounts. */
    void checkLongChainMounts(List<MountSpec> mounts) {}

    @BeforeEach
    void setUp() throws Exception {
        Prerequisites.requireRoot();
        dataRoot = Files.createDirectory(tmp.resolve("data"));
        rootfs = Files.createDirectory(tmp.resolve("rootfs"));
        snapshotter = create(dataRoot);
    }

    @AfterEach
    void unmount() {
        Mounts.unmountAllUnder(tmp);
    }

    private void unpack(String parent, String name, byte[] layer) {
        Snapshots.unpack(snapshotter, new ByteArrayInputStream(layer), parent, name, null);
    }

    private void mount(String key) {
        for (MountSpec m : snapshotter.mounts(key)) {
            m.mountAt(rootfs);
        }
    }

    @Test
    void upperLayersWinWhiteoutsHideAndOpaqueDirectoriesHideLowerContents() throws Exception {
        unpack(
                null,
                "l1",
                new TarBuilder()
                        .dir("etc")
                        .file("etc/passwd", "root")
                        .file("etc/shadow", "secret")
                        .dir("var/cache")
                        .file("var/cache/old1", "1")
                        .file("var/cache/old2", "2")
                        .file("version", "1")
                        .build());
        unpack(
                "l1",
                "l2",
                new TarBuilder()
                        .dir("etc")
                        .whiteout("etc/.wh.shadow")
                        .dir("var/cache")
                        .whiteout("var/cache/.wh..wh..opq")
                        .file("var/cache/new", "n")
                        .file("version", "2")
                        .build());
        snapshotter.prepare("container", "l2");
        mount("container");

        assertThat(Files.readString(rootfs.resolve("version"))).isEqualTo("2");
        assertThat(Files.readString(rootfs.resolve("etc/passwd"))).isEqualTo("root");
        assertThat(rootfs.resolve("etc/shadow")).doesNotExist();
        try (var cache = Files.list(rootfs.resolve("var/cache"))) {
            assertThat(cache.map(p -> p.getFileName().toString())).containsExactly("new");
        }

        // a container's writes and deletions come back as a layer with whiteouts
        Files.writeString(rootfs.resolve("etc/motd"), "hi");
        Files.delete(rootfs.resolve("etc/passwd"));
        ByteArrayOutputStream diff = new ByteArrayOutputStream();
        snapshotter.diff("container", diff);
        assertThat(TarBuilder.names(diff.toByteArray()))
                .contains("etc/motd", "etc/.wh.passwd")
                .doesNotContain("version", "var/cache/new");
    }

    @Test
    void committedSnapshotsMountReadOnly() throws Exception {
        unpack(null, "l1", new TarBuilder().file("a", "a").build());
        unpack("l1", "l2", new TarBuilder().file("b", "b").build());
        for (String name : List.of("l1", "l2")) {
            mount(name);
            assertThat(rootfs.resolve("a")).exists();
            assertThat(Files.isWritable(rootfs.resolve("a")) && canWrite(rootfs.resolve("new")))
                    .isFalse();
            Mounts.unmountDetach(rootfs);
        }
    }

    @Test
    void aLongChainOfLayersMountsAndShowsTheTopFile() throws Exception {
        int length = chainLength();
        String parent = null;
        for (int i = 0; i < length; i++) {
            String name = "%064x".formatted(i + 1); // chain-ID-like names, as the image store uses
            unpack(
                    parent,
                    name,
                    new TarBuilder()
                            .file("layer-" + i, "" + i)
                            .file("top", "layer " + i)
                            .build());
            parent = name;
        }
        snapshotter.prepare("container", parent);
        checkLongChainMounts(snapshotter.mounts("container"));
        mount("container");
        assertThat(Files.readString(rootfs.resolve("top"))).isEqualTo("layer " + (length - 1));
        assertThat(Files.readString(rootfs.resolve("layer-0"))).isEqualTo("0");
        assertThat(Files.readString(rootfs.resolve("layer-" + (length - 1)))).isEqualTo("" + (length - 1));
    }

    private static boolean canWrite(Path p) {
        try {
            Files.writeString(p, "x");
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
