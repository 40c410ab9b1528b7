package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * {@code layers}. A layer's reference count is derived, never stored: the images that list it in
 * {@code image_layers} plus the layers that name it as parent. A count kept in a column can
 * drift from the rows it counts after a crash or a bug; a derived one cannot.
 */
public final class LayerDao {
    private static final String COLUMNS = "chain_id, diff_id, parent_chain_id, snapshot_key, size, blob_digest, "
            + "blob_media_type, blob_size, created";

    private final Tx tx;

    public LayerDao(Tx tx) {
        this.tx = tx;
    }

    public void insert(LayerRow layer) throws SQLException {
        Sql.update(
                tx,
                "INSERT INTO layers (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                layer.chainId(),
                layer.diffId(),
                layer.parentChainId(),
                layer.snapshotKey(),
                layer.size(),
                layer.blobDigest(),
                layer.blobMediaType(),
                layer.blobDigest() == null ? null : layer.blobSize(),
                layer.created());
    }

    public Optional<LayerRow> get(Digest chainId) throws SQLException {
        return Sql.one(tx, LayerDao::row, "SELECT " + COLUMNS + " FROM layers WHERE chain_id = ?", chainId);
    }

    public List<LayerRow> all() throws SQLException {
        return Sql.query(tx, LayerDao::row, "SELECT " + COLUMNS + " FROM layers ORDER BY chain_id");
    }

    /** Records the stored blob of a layer that was unpacked without one being kept. */
    public void setBlob(Digest chainId, Digest blobDigest, String mediaType, long blobSize) throws SQLException {
        Sql.update(
                tx,
                "UPDATE layers SET blob_digest = ?, blob_media_type = ?, blob_size = ? WHERE chain_id = ?",
                blobDigest,
                mediaType,
                blobSize,
                chainId);
    }

    /** How many images and child layers hold this layer. */
    public int referenceCount(Digest chainId) throws SQLException {
        return Sql.one(
                        tx,
                        rs -> rs.getInt(1),
                        "SELECT (SELECT count(DISTINCT image_id) FROM image_layers WHERE chain_id = ?) "
                                + "+ (SELECT count(*) FROM layers WHERE parent_chain_id = ?)",
                        chainId,
                        chainId)
                .orElse(0);
    }

    /** Layers nothing holds (no image, no child layer). */
    public List<LayerRow> unreferenced() throws SQLException {
        return Sql.query(
                tx,
                LayerDao::row,
                "SELECT " + COLUMNS + " FROM layers l WHERE "
                        + "NOT EXISTS (SELECT 1 FROM image_layers il WHERE il.chain_id = l.chain_id) AND "
                        + "NOT EXISTS (SELECT 1 FROM layers c WHERE c.parent_chain_id = l.chain_id)");
    }

    /**
     * Deletes every layer no image and no child layer holds, except those {@code kept} (leased by
     * an operation in progress), repeatedly: a parent goes once its last child has gone.
     *
     * @return the deleted rows, top first
     */
    public List<LayerRow> deleteUnreferenced(java.util.function.Predicate<Digest> kept) throws SQLException {
        List<LayerRow> out = new java.util.ArrayList<>();
        while (true) {
            List<LayerRow> batch =
                    unreferenced().stream().filter(l -> !kept.test(l.chainId())).toList();
            if (batch.isEmpty()) {
                return out;
            }
            for (LayerRow l : batch) {
                delete(l.chainId());
                out.add(l);
            }
        }
    }

    public boolean delete(Digest chainId) throws SQLException {
        return Sql.update(tx, "DELETE FROM layers WHERE chain_id = ?", chainId) > 0;
    }

    private static LayerRow row(ResultSet rs) throws SQLException {
        long blobSize = rs.getLong("blob_size");
        return new LayerRow(
                Sql.digest(rs, "chain_id"),
                Sql.digest(rs, "diff_id"),
                Sql.digest(rs, "parent_chain_id"),
                rs.getString("snapshot_key"),
                rs.getLong("size"),
                Sql.digest(rs, "blob_digest"),
                rs.getString("blob_media_type"),
                blobSize,
                rs.getLong("created"));
    }
}
