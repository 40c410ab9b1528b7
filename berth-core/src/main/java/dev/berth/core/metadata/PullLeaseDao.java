package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code pull_leases}: blobs an unfinished pull fetched, which the start-up check keeps until
 * the lease expires (containerd keeps a pull's content under a lease for the same reason). A
 * later lease of the same blob moves its expiry.
 */
public final class PullLeaseDao {
    private final Tx tx;

    public PullLeaseDao(Tx tx) {
        this.tx = tx;
    }

    public void lease(Collection<Digest> blobs, Instant expires) throws SQLException {
        for (Digest d : blobs) {
            Sql.update(
                    tx,
                    "INSERT INTO pull_leases (digest, expires) VALUES (?, ?) "
                            + "ON CONFLICT(digest) DO UPDATE SET expires = excluded.expires",
                    d,
                    expires.getEpochSecond());
        }
    }

    public void release(Collection<Digest> blobs) throws SQLException {
        for (Digest d : blobs) {
            Sql.update(tx, "DELETE FROM pull_leases WHERE digest = ?", d);
        }
    }

    /** The blobs leased beyond {@code now}. */
    public Set<Digest> live(Instant now) throws SQLException {
        return new HashSet<>(Sql.query(
                tx,
                rs -> Digest.parse(rs.getString(1)),
                "SELECT digest FROM pull_leases WHERE expires > ?",
                now.getEpochSecond()));
    }

    /** Forgets the leases that ended at or before {@code now}; how many there were. */
    public int deleteExpired(Instant now) throws SQLException {
        return Sql.update(tx, "DELETE FROM pull_leases WHERE expires <= ?", now.getEpochSecond());
    }
}
