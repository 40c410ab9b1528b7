package dev.berth.core.metadata;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code metadata.db}: SQLite in WAL mode with foreign keys on, a busy timeout, and
 * {@code synchronous=FULL} so that a committed row survives a crash (the files-first rule relies
 * on it: files are deleted only after the row's removal is durable).
 *
 * <p>One connection serves the daemon; transactions are short (no I/O other than SQLite's inside
 * one), so a lock around it costs little and SQLite allows one writer anyway.
 */
public final class MetadataStore implements AutoCloseable {
    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    private MetadataStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (creating if needed) {@code file} and brings it to the latest schema. */
    public static MetadataStore open(Path file) {
        return open(file, Schema.ALL);
    }

    public static MetadataStore open(Path file, List<Migration> migrations) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            keepPrivate(file);
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA foreign_keys=ON");
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("PRAGMA synchronous=FULL");
            }
            MetadataStore store = new MetadataStore(file, connection);
            store.migrate(migrations);
            return store;
        } catch (SQLException | IOException e) {
            throw new BerthException(
                    ErrorKind.UNAVAILABLE, "cannot open metadata database " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The database holds every container's environment: root's alone. SQLite gives its -wal and
     * -shm files the database file's mode, so the file is made 0600 before SQLite first opens it;
     * files an older Berth left world-readable are tightened.
     */
    private static void keepPrivate(Path file) throws IOException {
        Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rw-------");
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(owner));
        }
        for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
            Path f = file.resolveSibling(file.getFileName() + suffix);
            if (Files.exists(f) && !Files.getPosixFilePermissions(f).equals(owner)) {
                Files.setPosixFilePermissions(f, owner);
            }
        }
    }

    public Path file() {
        return file;
    }

    /** The schema version the database is at. */
    public int version() {
        return read(tx -> {
            try (Statement s = tx.connection().createStatement();
                    var rs = s.executeQuery("PRAGMA user_version")) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        });
    }

    private void migrate(List<Migration> migrations) {
        int current = version();
        int latest = migrations.isEmpty() ? 0 : migrations.getLast().version();
        if (current > latest) {
            throw new BerthException(
                    ErrorKind.UNAVAILABLE,
                    "metadata database " + file + " has schema version " + current + ", newer than this Berth knows ("
                            + latest + "); use a newer Berth");
        }
        for (Migration m : migrations) {
            if (m.version() <= current) {
                continue;
            }
            inTransaction(tx -> {
                try (Statement s = tx.connection().createStatement()) {
                    for (String sql : m.statements()) {
                        s.execute(sql);
                    }
                    s.execute("PRAGMA user_version=" + m.version());
                }
                return null;
            });
        }
    }

    /**
     * Runs {@code work} in one write transaction (BEGIN IMMEDIATE, so it never fails half-way on a
     * lock upgrade): it commits when work returns and rolls back when it throws.
     */
    public <T> T inTransaction(SqlWork<T> work) {
        lock.lock();
        try {
            try (Statement s = connection.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
            }
            boolean done = false;
            try {
                T result = work.run(new Tx(connection));
                try (Statement s = connection.createStatement()) {
                    s.execute("COMMIT");
                }
                done = true;
                return result;
            } finally {
                if (!done) {
                    try (Statement s = connection.createStatement()) {
                        s.execute("ROLLBACK");
                    } catch (SQLException ignored) {
                        // the original failure matters more
                    }
                }
            }
        } catch (SQLException e) {
            throw mapped(e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs read-only {@code work} on a consistent view. */
    public <T> T read(SqlWork<T> work) {
        lock.lock();
        try {
            return work.run(new Tx(connection));
        } catch (SQLException e) {
            throw mapped(e);
        } finally {
            lock.unlock();
        }
    }

    private BerthException mapped(SQLException e) {
        String message = "metadata database " + file + ": " + e.getMessage();
        // SQLITE_CONSTRAINT (19) in the low byte of the (extended) result code: a unique or foreign key clash.
        if ((e.getErrorCode() & 0xff) == 19) {
            return new BerthException(ErrorKind.CONFLICT, message, e);
        }
        return new BerthException(ErrorKind.INTERNAL, message, e);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            throw mapped(e);
        } finally {
            lock.unlock();
        }
    }
}
