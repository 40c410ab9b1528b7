package dev.berth.core.snapshot;

import java.nio.file.Path;

class VfsSnapshotterIT extends SnapshotterMountContract {
    @Override
    Snapshotter create(Path dataRoot) {
        return new VfsSnapshotter(dataRoot);
    }

    @Override
    int chainLength() {
        return 25;
    }
}
