package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * {@code repo_digests}: {@code name@sha256:…} (the manifest digest a registry knows the image by) → image ID,
 * with the image manifest that digest resolves to (the same manifest, or an index's platform manifest).
 */
public final class RepoDigestDao {
    private static final String COLUMNS = "reference, image_id, manifest_digest, image_manifest";

    private final Tx tx;

    public RepoDigestDao(Tx tx) {
        this.tx = tx;
    }

    /**
     * One row. {@code imageManifest}: the image's own manifest, {@code manifestDigest} itself
     * unless that is an index; null in a row from before schema version 4 not recorded yet.
     */
    public record Row(String reference, Digest imageId, Digest manifestDigest, Digest imageManifest) {}

    /** A repo digest of a single-platform manifest: the manifest is the image's own. */
    public void put(String reference, Digest imageId, Digest manifestDigest) throws SQLException {
        put(reference, imageId, manifestDigest, manifestDigest);
    }

    public void put(String reference, Digest imageId, Digest manifestDigest, Digest imageManifest) throws SQLException {
        Sql.update(
                tx,
                "INSERT INTO repo_digests (reference, image_id, manifest_digest, image_manifest) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT(reference) DO UPDATE SET image_id = excluded.image_id, "
                        + "manifest_digest = excluded.manifest_digest, image_manifest = excluded.image_manifest",
                reference,
                imageId,
                manifestDigest,
                imageManifest);
    }

    /** Records the image manifest of a row that has none; false when the row is gone or has one by now. */
    public boolean recordImageManifest(String reference, Digest manifestDigest, Digest imageManifest)
            throws SQLException {
        return Sql.update(
                        tx,
                        "UPDATE repo_digests SET image_manifest = ? "
                                + "WHERE reference = ? AND manifest_digest = ? AND image_manifest IS NULL",
                        imageManifest,
                        reference,
                        manifestDigest)
                > 0;
    }

    public Optional<Row> row(String reference) throws SQLException {
        return Sql.one(
                tx, RepoDigestDao::row, "SELECT " + COLUMNS + " FROM repo_digests WHERE reference = ?", reference);
    }

    /** The rows of one image, by reference. */
    public List<Row> rowsForImage(Digest imageId) throws SQLException {
        return Sql.query(
                tx,
                RepoDigestDao::row,
                "SELECT " + COLUMNS + " FROM repo_digests WHERE image_id = ? ORDER BY reference",
                imageId);
    }

    /** Rows written before their image manifest was recorded (schema version 4). */
    public List<Row> withoutImageManifest() throws SQLException {
        return Sql.query(
                tx,
                RepoDigestDao::row,
                "SELECT " + COLUMNS + " FROM repo_digests WHERE image_manifest IS NULL ORDER BY reference");
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(
                rs.getString("reference"),
                Sql.digest(rs, "image_id"),
                Sql.digest(rs, "manifest_digest"),
                Sql.digest(rs, "image_manifest"));
    }

    public Optional<Digest> get(String reference) throws SQLException {
        return Sql.one(
                tx,
                rs -> Digest.parse(rs.getString(1)),
                "SELECT image_id FROM repo_digests WHERE reference = ?",
                reference);
    }

    public List<String> forImage(Digest imageId) throws SQLException {
        return Sql.query(
                tx,
                rs -> rs.getString(1),
                "SELECT reference FROM repo_digests WHERE image_id = ? ORDER BY reference",
                imageId);
    }

    /** Every reference → image ID, sorted by reference. */
    public java.util.Map<String, Digest> all() throws SQLException {
        java.util.Map<String, Digest> out = new java.util.TreeMap<>();
        for (var e : Sql.query(
                tx,
                rs -> java.util.Map.entry(rs.getString(1), Digest.parse(rs.getString(2))),
                "SELECT reference, image_id FROM repo_digests")) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    public boolean delete(String reference) throws SQLException {
        return Sql.update(tx, "DELETE FROM repo_digests WHERE reference = ?", reference) > 0;
    }

    public int deleteForImage(Digest imageId) throws SQLException {
        return Sql.update(tx, "DELETE FROM repo_digests WHERE image_id = ?", imageId);
    }
}
