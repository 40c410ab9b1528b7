package dev.berth.core.metadata;

import java.sql.SQLException;

/** Work inside a transaction; may throw SQLException, which the store maps to a BerthException. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Tx tx) throws SQLException;
}
