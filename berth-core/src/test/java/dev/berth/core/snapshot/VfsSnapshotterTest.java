package dev.berth.core.snapshot;

import java.nio.file.Path;

class VfsSnapshotterTest extends SnapshotterContract {
    @Override
    Snapshotter create(Path dataRoot) {
        return new VfsSnapshotter(dataRoot);
    }
}
