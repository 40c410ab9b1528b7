package dev.berth.registry.storage;

import dev.berth.core.digest.Digest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The manifests pushed while the garbage collector marks: it marks without a lock, so a push in
 * that window would go unseen; the collector reads this journal under the exclusive
 * {@link ReferenceLock} before it sweeps, and marks what it names.
 */
public final class PushJournal {
    /** A manifest pushed since the collector started marking. */
    public record Entry(String repository, Digest digest) {}

    private volatile Set<Entry> entries = ConcurrentHashMap.newKeySet();

    /** A manifest push; called holding the shared side of the reference lock. */
    public void pushed(String repository, Digest digest) {
        entries.add(new Entry(repository, digest));
    }

    /** Starts a new journal (the collector, before it marks). */
    public void start() {
        entries = ConcurrentHashMap.newKeySet();
    }

    /** The manifests pushed since {@link #start()}; call with the exclusive lock held. */
    public Set<Entry> drain() {
        Set<Entry> j = entries;
        entries = ConcurrentHashMap.newKeySet();
        return j;
    }
}
