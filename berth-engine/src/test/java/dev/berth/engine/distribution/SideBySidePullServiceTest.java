package dev.berth.engine.distribution;

import dev.berth.core.snapshot.OverlaySnapshotter;
import dev.berth.core.snapshot.Snapshotter;
import java.nio.file.Path;

/**
 * Every pull test again over overlay's layout, where a pull unpacks the layers of an image side
 * by side (each before its parent is): failures, interruptions and resumed downloads must leave
 * the same as one unpack after the other does.
 */
class SideBySidePullServiceTest extends PullServiceTest {
    @Override
    Snapshotter snapshotter(Path root) {
        return new OverlaySnapshotter(root);
    }
}
