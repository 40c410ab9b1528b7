package dev.berth.engine.image;

import dev.berth.core.digest.Digest;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps blobs and layers that an operation in progress is about to refer to out of garbage
 * collection (containerd calls these leases), and serialises file work on one layer by striped
 * locks, so that no lock is global and none is held across another object's I/O.
 */
public final class Leases {
    private final Map<Digest, Integer> held = new HashMap<>();
    /** Removals a lease held off, run when the last lease of their digest ends (else they would never run). */
    private final Map<Digest, Runnable> deferred = new HashMap<>();

    private final ReentrantLock[] stripes = new ReentrantLock[64];
    private final ReentrantLock[] removalStripes = new ReentrantLock[64];

    public Leases() {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
            removalStripes[i] = new ReentrantLock();
        }
    }

    /** One lease over some digests; close it once rows refer to them (or the operation failed). */
    public final class Lease implements AutoCloseable {
        private final List<Digest> digests;
        private boolean closed;

        private Lease(List<Digest> digests) {
            this.digests = digests;
        }

        /** Adds more digests to this lease. */
        public void add(Digest digest) {
            // Waits for a removal of this digest in progress (see removeUnlessLeased).
            ReentrantLock removal = removalLock(digest);
            removal.lock();
            try {
                synchronized (held) {
                    held.merge(digest, 1, Integer::sum);
                    digests.add(digest);
                }
            } finally {
                removal.unlock();
            }
        }

        @Override
        public void close() {
            List<Digest> released = new java.util.ArrayList<>();
            synchronized (held) {
                if (closed) {
                    return;
                }
                closed = true;
                for (Digest d : digests) {
                    if (held.computeIfPresent(d, (k, n) -> n == 1 ? null : n - 1) == null && deferred.containsKey(d)) {
                        released.add(d);
                    }
                }
            }
            for (Digest d : released) {
                Runnable removal;
                synchronized (held) {
                    removal = deferred.remove(d);
                }
                if (removal != null) {
                    removeUnlessLeased(d, removal);
                }
            }
        }
    }

    public Lease acquire(Collection<Digest> digests) {
        Lease lease = new Lease(new java.util.ArrayList<>());
        for (Digest d : digests) {
            lease.add(d);
        }
        return lease;
    }

    /**
     * Runs {@code removal} unless {@code digest} is leased, with new leases of that digest held
     * off until it is done. A plain isLeased-then-delete lets a load lease a blob it found
     * present, just after the check, and then lose it to the delete. A removal a lease holds off
     * runs when the last lease of the digest ends (it checks again whether its object is still
     * unused): an operation that leased a blob another one just gave up, and then did not use it,
     * must not leave it behind.
     */
    public void removeUnlessLeased(Digest digest, Runnable removal) {
        ReentrantLock lock = removalLock(digest);
        lock.lock();
        try {
            synchronized (held) {
                if (held.containsKey(digest)) {
                    deferred.put(digest, removal);
                    return;
                }
            }
            removal.run();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code removal} unless {@code digest} is leased, with new leases of that digest held
     * off until it is done (an operation that leases it and then reads the rows sees the removal
     * done); empty when it is leased (then nothing ran, and nothing will).
     */
    public <T> java.util.Optional<T> unlessLeased(Digest digest, java.util.function.Supplier<T> removal) {
        ReentrantLock lock = removalLock(digest);
        lock.lock();
        try {
            return isLeased(digest) ? java.util.Optional.empty() : java.util.Optional.of(removal.get());
        } finally {
            lock.unlock();
        }
    }

    private ReentrantLock removalLock(Digest digest) {
        return removalStripes[Math.floorMod(digest.hashCode(), removalStripes.length)];
    }

    public boolean isLeased(Digest digest) {
        synchronized (held) {
            return held.containsKey(digest);
        }
    }

    /** The lock for file work on {@code digest} (unpacking or removing one layer's snapshot). */
    public ReentrantLock lockFor(Digest digest) {
        return stripes[Math.floorMod(digest.hashCode(), stripes.length)];
    }
}
