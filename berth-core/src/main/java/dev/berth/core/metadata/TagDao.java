package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@code tags}: normalized reference (name:tag) → image ID. A reference points at one image at a time. */
public final class TagDao {
    private final Tx tx;

    public TagDao(Tx tx) {
        this.tx = tx;
    }

    /** Points {@code reference} at {@code imageId}; returns the image it pointed at before, if another. */
    public Optional<Digest> put(String reference, Digest imageId, long createdUnix) throws SQLException {
        Optional<Digest> previous = get(reference);
        if (previous.isPresent() && previous.get().equals(imageId)) {
            return Optional.empty();
        }
        Sql.update(
                tx,
                "INSERT INTO tags (reference, image_id, created) VALUES (?, ?, ?) "
                        + "ON CONFLICT(reference) DO UPDATE SET image_id = excluded.image_id, created = excluded.created",
                reference,
                imageId,
                createdUnix);
        return previous;
    }

    public Optional<Digest> get(String reference) throws SQLException {
        return Sql.one(
                tx, rs -> Digest.parse(rs.getString(1)), "SELECT image_id FROM tags WHERE reference = ?", reference);
    }

    /** The image's references, sorted. */
    public List<String> forImage(Digest imageId) throws SQLException {
        return Sql.query(
                tx, rs -> rs.getString(1), "SELECT reference FROM tags WHERE image_id = ? ORDER BY reference", imageId);
    }

    /** Every reference → image ID, sorted by reference. */
    public Map<String, Digest> all() throws SQLException {
        Map<String, Digest> out = new TreeMap<>();
        for (var e : Sql.query(
                tx,
                rs -> Map.entry(rs.getString(1), Digest.parse(rs.getString(2))),
                "SELECT reference, image_id FROM tags")) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    public boolean delete(String reference) throws SQLException {
        return Sql.update(tx, "DELETE FROM tags WHERE reference = ?", reference) > 0;
    }
}
