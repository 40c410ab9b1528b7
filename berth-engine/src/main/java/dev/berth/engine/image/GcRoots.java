package dev.berth.engine.image;

import dev.berth.core.digest.Digest;
import java.util.Set;

/**
 * What other stores keep alive beyond the image rows (containers' snapshots, build cache …), so
 * that the start-up check does not remove it. Later issues contribute theirs at the composition
 * root.
 */
public interface GcRoots {
    GcRoots NONE = new GcRoots() {};

    default Set<Digest> blobs() {
        return Set.of();
    }

    default Set<String> snapshots() {
        return Set.of();
    }
}
