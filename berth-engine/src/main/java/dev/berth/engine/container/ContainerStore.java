package dev.berth.engine.container;

import dev.berth.core.error.BerthException;
import dev.berth.core.metadata.MetadataStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The containers, in the database and (for lookups) in memory. Rows are written first; the
 * in-memory view follows each committed change. Names are unique with Docker's message on a
 * clash; lookups take a full ID, a name, or an unambiguous ID prefix, as Docker's GetContainer.
 */
public final class ContainerStore {
    private final MetadataStore db;
    private final Map<String, Container> byId = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Map<String, Object> rows = new ConcurrentHashMap<>();

    public ContainerStore(MetadataStore db) {
        this.db = db;
        for (Container c : db.read(tx -> new ContainerDao(tx).all())) {
            byId.put(c.id(), c);
        }
    }

    /** Per-container lock for state changes (start, stop, remove never interleave on one container). */
    public ReentrantLock lock(String id) {
        return locks.computeIfAbsent(id, k -> new ReentrantLock());
    }

    public synchronized void insert(Container c) {
        insert(c, tx -> null);
    }

    /** As {@link #insert(Container)}, with {@code alongside} in the same transaction (rows that belong to it). */
    public synchronized void insert(Container c, dev.berth.core.metadata.SqlWork<?> alongside) {
        checkNameFree(c.name());
        db.inTransaction(tx -> {
            alongside.run(tx);
            new ContainerDao(tx).insert(c);
            return null;
        });
        byId.put(c.id(), c);
    }

    /**
     * Stores a new state; the container must exist. The row and the in-memory view change together
     * under the row's monitor, so a state written by an exit never puts back the name a rename
     * just replaced (it did, in about 2 of 15 renames right after an exit).
     */
    public Container update(String id, ContainerState state) {
        synchronized (row(id)) {
            Container c = byId.get(id);
            if (c == null) {
                throw noSuch(id);
            }
            db.inTransaction(tx -> {
                new ContainerDao(tx).updateState(id, state);
                return null;
            });
            Container updated = c.withState(state);
            byId.put(id, updated);
            return updated;
        }
    }

    /** Stores new host settings ({@code docker update}); the container must exist. */
    public Container updateHostConfig(String id, HostSettings host) {
        synchronized (row(id)) {
            Container c = byId.get(id);
            if (c == null) {
                throw noSuch(id);
            }
            db.inTransaction(tx -> {
                new ContainerDao(tx).updateHostConfig(id, host);
                return null;
            });
            Container updated = c.withHostConfig(host);
            byId.put(id, updated);
            return updated;
        }
    }

    public synchronized Container rename(String id, String newName) {
        synchronized (row(id)) {
            Container c = byId.get(id);
            if (c == null) {
                throw noSuch(id);
            }
            if (c.name().equals(newName)) {
                throw BerthException.invalid("Renaming a container with the same name as its current name");
            }
            checkNameFree(newName);
            db.inTransaction(tx -> {
                new ContainerDao(tx).rename(id, newName);
                return null;
            });
            Container renamed = c.withName(newName);
            byId.put(id, renamed);
            return renamed;
        }
    }

    /** The monitor of one container's row: held for one write, never across other I/O. */
    private Object row(String id) {
        return rows.computeIfAbsent(id, k -> new Object());
    }

    public synchronized void delete(String id) {
        db.inTransaction(tx -> new ContainerDao(tx).delete(id));
        byId.remove(id);
        locks.remove(id);
        rows.remove(id);
    }

    private void checkNameFree(String name) {
        for (Container other : byId.values()) {
            if (other.name().equals(name)) {
                throw BerthException.conflict(
                        "Conflict. The container name \"%s\" is already in use by container "
                                + "\"%s\". You have to remove (or rename) that container to be able to reuse that name.",
                        name, other.id());
            }
        }
    }

    public Optional<Container> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The container a user means by {@code ref}: full ID, name (with or without '/'), or ID prefix. */
    public Container resolve(String ref) {
        return find(ref).orElseThrow(() -> noSuch(ref));
    }

    public Optional<Container> find(String ref) {
        if (ref == null || ref.isEmpty()) {
            return Optional.empty();
        }
        Container exact = byId.get(ref);
        if (exact != null) {
            return Optional.of(exact);
        }
        String name = ref.startsWith("/") ? ref : "/" + ref;
        for (Container c : byId.values()) {
            if (c.name().equals(name)) {
                return Optional.of(c);
            }
        }
        List<Container> prefixed =
                byId.values().stream().filter(c -> c.id().startsWith(ref)).toList();
        if (prefixed.size() > 1) {
            throw BerthException.invalid("Multiple IDs found with provided prefix: %s", ref);
        }
        return prefixed.stream().findFirst();
    }

    /** Every container, newest first (as {@code docker ps}). */
    public List<Container> all() {
        List<Container> list = new ArrayList<>(byId.values());
        list.sort(Comparator.comparing(Container::created).reversed());
        return list;
    }

    /** Containers by state, for {@code /info}. */
    public dev.berth.engine.system.SystemFacts.ContainerCounts counts() {
        int running = 0;
        int paused = 0;
        int stopped = 0;
        for (Container c : byId.values()) {
            switch (c.status()) {
                case RUNNING, RESTARTING -> running++;
                case PAUSED -> paused++;
                default -> stopped++;
            }
        }
        return new dev.berth.engine.system.SystemFacts.ContainerCounts(running, paused, stopped);
    }

    public static BerthException noSuch(String ref) {
        return BerthException.notFound("No such container: %s", ref);
    }
}
