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

    @Test
    void detectChoosesOverlayWhereItMounts() {
        Snapshots.Choice choice = Snapshots.detect(dataRoot);
        assertThat(choice.snapshotter().driver()).isEqualTo("overlay2");
        assertThat(choice.reason()).contains("overlay mounts on");
        assertThat(choice.snapshotter().list()).isEmpty(); // the probe left nothing behind
    }
}
