package dev.berth.registry.storage;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The garbage collector's lock. Every operation that makes a blob reachable (finishing an
 * upload, a mount, a manifest push, a HEAD a client will rely on) holds the shared side; the
 * collector takes the exclusive side only for its final check and sweep, so it never deletes a
 * blob that one of them is about to name, and they never wait for its marking.
 */
public final class ReferenceLock {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** Runs {@code action} holding the shared side. */
    public <T> T referencing(Supplier<T> action) {
        lock.readLock().lock();
        try {
            return action.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Runs {@code action} holding the exclusive side (the collector's sweep). */
    public <T> T sweeping(Supplier<T> action) {
        lock.writeLock().lock();
        try {
            return action.get();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
