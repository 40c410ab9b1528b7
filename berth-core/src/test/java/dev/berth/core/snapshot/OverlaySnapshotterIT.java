package dev.berth.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverlaySnapshotterIT extends SnapshotterMountContract {
    @Override
    Snapshotter create(Path dataRoot) {
        return new OverlaySnapshotter(dataRoot);
    }

    @Override
    int chainLength() {
        return 120;
    }

    @Override
    void checkLongChainMounts(List<MountSpec> mounts) {
        // 120 absolute paths of 64-hex names would need ~12 kB: the short relative links must be used
        MountSpec spec = mounts.getFirst();
        assertThat(spec.type()).isEqualTo("overlay");
        assertThat(spec.workingDir()).isEqualTo(dataRoot.resolve("snapshots"));
        assertThat(spec.data()).startsWith("lowerdir=l/");
        assertThat(spec.data().length()).isLessThan(4096);
    }

    /**
     * A disposable layer's mount skips overlay's sync (volatile), whose marker would make the next
     * mount of the same layer fail: mounted again, volatile or not, it mounts, with the files of
     * the first run.
     */
    @Test
    void disposableMountsAreVolatileAndMountAgain() throws Exception {
        Snapshots.unpack(
                snapshotter,
                new java.io.ByteArrayInputStream(
                        new dev.berth.testing.TarBuilder().file("a", "1").build()),
                null,
                "base",
                null);
        snapshotter.prepare("run", "base");
        for (int run = 0; run < 2; run++) {
            MountSpec spec = snapshotter.disposableMounts("run").getFirst();
            assertThat(spec.options()).contains("volatile");
            spec.mountAt(rootfs);
            try {
                if (run == 0) {
                    java.nio.file.Files.writeString(rootfs.resolve("b"), "2");
                }
                assertThat(rootfs.resolve("b")).hasContent("2");
            } finally {
                dev.berth.core.sys.Mounts.unmountDetach(rootfs);
            }
        }
        // an ordinary mount after a volatile run (docker cp out of a stopped --rm container)
        MountSpec plain = snapshotter.mounts("run").getFirst();
        assertThat(plain.options()).doesNotContain("volatile");
        plain.mountAt(rootfs);
        try {
            assertThat(rootfs.resolve("b")).hasContent("2");
        } finally {
            dev.berth.core.sys.Mounts.unmountDetach(rootfs);
        }
    }

    @Test
    void detectChoosesOverlayWhereItMounts() {
        Snapshots.Choice choice = Snapshots.detect(dataRoot);
        assertThat(choice.snapshotter().driver()).isEqualTo("overlay2");
        assertThat(choice.reason()).contains("overlay mounts on");
        assertThat(choice.snapshotter().list()).isEmpty(); // the probe left nothing behind
    }
}
