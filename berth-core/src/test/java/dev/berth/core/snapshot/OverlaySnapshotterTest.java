package dev.berth.core.snapshot;

import java.nio.file.Path;

/** The contract without mounts; mounting is in OverlaySnapshotterIT. */
class OverlaySnapshotterTest extends SnapshotterContract {
    @Override
    Snapshotter create(Path dataRoot) {
        return new OverlaySnapshotter(dataRoot);
    }
}
