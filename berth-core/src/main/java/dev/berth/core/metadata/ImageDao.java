package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** {@code images} and {@code image_layers}. */
public final class ImageDao {
    private static final String COLUMNS =
            "id, config_size, created, created_unix, size, parent, top_chain_id, last_tag_time, added";

    private final Tx tx;

    public ImageDao(Tx tx) {
        this.tx = tx;
    }

    /** Inserts the image and its layer list (bottom first); the layer rows must exist. */
    public void insert(ImageRow image, List<Digest> chainIds) throws SQLException {
        Sql.update(
                tx,
                "INSERT INTO images (id, config_digest, config_size, created, created_unix, size, parent, "
                        + "top_chain_id, last_tag_time, added) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                image.id(),
                image.id(),
                image.configSize(),
                image.created(),
                image.createdUnix(),
                image.size(),
                image.parent(),
                image.topChainId(),
                image.lastTagTime(),
                image.added());
        for (int i = 0; i < chainIds.size(); i++) {
            Sql.update(
                    tx,
                    "INSERT INTO image_layers (image_id, position, chain_id) VALUES (?, ?, ?)",
                    image.id(),
                    i,
                    chainIds.get(i));
        }
    }

    public Optional<ImageRow> get(Digest id) throws SQLException {
        return Sql.one(tx, ImageDao::row, "SELECT " + COLUMNS + " FROM images WHERE id = ?", id);
    }

    /** IDs starting with {@code prefix} ({@code sha256:} followed by some hex). */
    public List<Digest> idsWithPrefix(String prefix) throws SQLException {
        String escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return Sql.query(
                tx,
                rs -> Digest.parse(rs.getString(1)),
                "SELECT id FROM images WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                escaped + "%");
    }

    public List<ImageRow> all() throws SQLException {
        return Sql.query(tx, ImageDao::row, "SELECT " + COLUMNS + " FROM images ORDER BY created_unix DESC, id");
    }

    /** The chain IDs of the image's layers, bottom first. */
    public List<Digest> layers(Digest id) throws SQLException {
        return Sql.query(
                tx,
                rs -> Digest.parse(rs.getString(1)),
                "SELECT chain_id FROM image_layers WHERE image_id = ? ORDER BY position",
                id);
    }

    /** Images whose layer list contains {@code chainId}. */
    public List<Digest> usingLayer(Digest chainId) throws SQLException {
        return Sql.query(
                tx,
                rs -> Digest.parse(rs.getString(1)),
                "SELECT DISTINCT image_id FROM image_layers WHERE chain_id = ?",
                chainId);
    }

    /** Images whose parent is {@code id} (Docker refuses to delete such a parent without force). */
    public List<Digest> children(Digest id) throws SQLException {
        return Sql.query(tx, rs -> Digest.parse(rs.getString(1)), "SELECT id FROM images WHERE parent = ?", id);
    }

    public void setLastTagTime(Digest id, String time) throws SQLException {
        Sql.update(tx, "UPDATE images SET last_tag_time = ? WHERE id = ?", time, id);
    }

    /** Deletes the image row and its layer list (not the layers); false when absent. */
    public boolean delete(Digest id) throws SQLException {
        Sql.update(tx, "UPDATE images SET parent = NULL WHERE parent = ?", id);
        return Sql.update(tx, "DELETE FROM images WHERE id = ?", id) > 0;
    }

    private static ImageRow row(ResultSet rs) throws SQLException {
        return new ImageRow(
                Sql.digest(rs, "id"),
                rs.getLong("config_size"),
                rs.getString("created"),
                rs.getLong("created_unix"),
                rs.getLong("size"),
                Sql.digest(rs, "parent"),
                Sql.digest(rs, "top_chain_id"),
                rs.getString("last_tag_time"),
                rs.getLong("added"));
    }
}
