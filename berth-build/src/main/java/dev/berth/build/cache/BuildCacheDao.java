package dev.berth.build.cache;

import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.Tx;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code build_cache} table (core's Schema.V7_BUILD_CACHE), on an open transaction. */
final class BuildCacheDao {
    private static final String COLUMNS = "key, image_id, description, size, created, last_used, usage_count";

    private final Tx tx;

    BuildCacheDao(Tx tx) {
        this.tx = tx;
    }

    Optional<CacheRow> get(String key) throws SQLException {
        List<CacheRow> rows = query("SELECT " + COLUMNS + " FROM build_cache WHERE key = ?", key);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    List<CacheRow> all() throws SQLException {
        return query("SELECT " + COLUMNS + " FROM build_cache ORDER BY created");
    }

    /** Records (or replaces) what a step made. */
    void put(CacheRow row) throws SQLException {
        try (PreparedStatement ps = tx.connection()
                .prepareStatement("INSERT INTO build_cache (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT(key) DO UPDATE SET image_id = excluded.image_id, "
                        + "description = excluded.description, size = excluded.size, "
                        + "last_used = excluded.last_used")) {
            ps.setString(1, row.key());
            ps.setString(2, row.imageId().toString());
            ps.setString(3, row.description());
            ps.setLong(4, row.size());
            ps.setLong(5, row.created());
            ps.setLong(6, row.lastUsed());
            ps.setInt(7, row.usageCount());
            ps.executeUpdate();
        }
    }

    void touch(String key, long now) throws SQLException {
        try (PreparedStatement ps = tx.connection()
                .prepareStatement(
                        "UPDATE build_cache SET last_used = ?, usage_count = usage_count + 1 WHERE key = ?")) {
            ps.setLong(1, now);
            ps.setString(2, key);
            ps.executeUpdate();
        }
    }

    void delete(String key) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("DELETE FROM build_cache WHERE key = ?")) {
            ps.setString(1, key);
            ps.executeUpdate();
        }
    }

    private List<CacheRow> query(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, (String) args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<CacheRow> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new CacheRow(
                            rs.getString(1),
                            Digest.parse(rs.getString(2)),
                            rs.getString(3),
                            rs.getLong(4),
                            rs.getLong(5),
                            rs.getLong(6),
                            rs.getInt(7)));
                }
                return out;
            }
        }
    }
}
