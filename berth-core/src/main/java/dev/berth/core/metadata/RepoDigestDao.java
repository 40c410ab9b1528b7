package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** {@code repo_digests}: {@code name@sha256:…} (the manifest digest a registry knows the image by) → image ID. */
public final class RepoDigestDao {
    private final Tx tx;

    public RepoDigestDao(Tx tx) {
        this.tx = tx;
    }

    public void put(String reference, Digest imageId, Digest manifestDigest) throws SQLException {
        Sql.update(tx, "INSERT INTO repo_digests (reference, image_id, manifest_digest) VALUES (?, ?, ?) "
                + "ON CONFLICT(reference) DO UPDATE SET image_id = excluded.image_id, manifest_digest = excluded.manifest_digest",
                reference, imageId, manifestDigest);
    }

    public Optional<Digest> get(String reference) throws SQLException {
        return Sql.one(tx, rs -> Digest.parse(rs.getString(1)), "SELECT image_id FROM repo_digests WHERE reference = ?", reference);
    }

    /** The manifest blob a repo digest row keeps, if the row exists. */
    public Optional<Digest> manifestDigest(String reference) throws SQLException {
        return Sql.one(tx, rs -> Digest.parse(rs.getString(1)), "SELECT manifest_digest FROM repo_digests WHERE reference = ?", reference);
    }

    public List<String> forImage(Digest imageId) throws SQLException {
        return Sql.query(tx, rs -> rs.getString(1),
                "SELECT reference FROM repo_digests WHERE image_id = ? ORDER BY reference", imageId);
    }

    /** Every reference → image ID, sorted by reference. */
    public java.util.Map<String, Digest> all() throws SQLException {
        java.util.Map<String, Digest> out = new java.util.TreeMap<>();
        for (var e : Sql.query(tx, rs -> java.util.Map.entry(rs.getString(1), Digest.parse(rs.getString(2))),
                "SELECT reference, image_id FROM repo_digests")) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** Manifest blobs that rows keep alive. */
    public List<Digest> manifestDigests() throws SQLException {
        return Sql.query(tx, rs -> Digest.parse(rs.getString(1)), "SELECT DISTINCT manifest_digest FROM repo_digests");
    }

    public boolean delete(String reference) throws SQLException {
        return Sql.update(tx, "DELETE FROM repo_digests WHERE reference = ?", reference) > 0;
    }

    public int deleteForImage(Digest imageId) throws SQLException {
        return Sql.update(tx, "DELETE FROM repo_digests WHERE image_id = ?", imageId);
    }
}
