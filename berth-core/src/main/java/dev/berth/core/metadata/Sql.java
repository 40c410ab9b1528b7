package dev.berth.core.metadata;

import dev.berth.core.digest.Digest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/** Small JDBC helpers shared by the DAOs. */
final class Sql {
    private Sql() {}

    static PreparedStatement prepare(Tx tx, String sql, Object... args) throws SQLException {
        PreparedStatement ps = tx.connection().prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            switch (a) {
                case null -> ps.setNull(i + 1, Types.NULL);
                case Digest d -> ps.setString(i + 1, d.toString());
                case Long l -> ps.setLong(i + 1, l);
                case Integer n -> ps.setInt(i + 1, n);
                case String s -> ps.setString(i + 1, s);
                default -> throw new IllegalArgumentException("unsupported SQL argument " + a.getClass());
            }
        }
        return ps;
    }

    static int update(Tx tx, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(tx, sql, args)) {
            return ps.executeUpdate();
        }
    }

    static Digest digest(ResultSet rs, String column) throws SQLException {
        String s = rs.getString(column);
        return s == null ? null : Digest.parse(s);
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    static <T> java.util.List<T> query(Tx tx, RowMapper<T> mapper, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(tx, sql, args);
                ResultSet rs = ps.executeQuery()) {
            java.util.List<T> out = new java.util.ArrayList<>();
            while (rs.next()) {
                out.add(mapper.map(rs));
            }
            return out;
        }
    }

    static <T> java.util.Optional<T> one(Tx tx, RowMapper<T> mapper, String sql, Object... args) throws SQLException {
        java.util.List<T> rows = query(tx, mapper, sql, args);
        return rows.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(rows.getFirst());
    }
}
