package dev.berth.engine.image;

import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.Tx;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

/**
 * Which content-store blobs the image rows keep alive: configs, layer blobs, manifests (a repo
 * digest's, and the image manifest it resolves to: an index's platform manifest).
 */
final class BlobReferences {
    private static final String ALL = "SELECT config_digest FROM images UNION SELECT blob_digest FROM layers "
            + "WHERE blob_digest IS NOT NULL UNION SELECT manifest_digest FROM repo_digests "
            + "UNION SELECT image_manifest FROM repo_digests WHERE image_manifest IS NOT NULL";

    private BlobReferences() {}

    static boolean isReferenced(Tx tx, Digest digest) throws SQLException {
        try (PreparedStatement ps = tx.connection()
                .prepareStatement("SELECT EXISTS (SELECT 1 FROM images WHERE config_digest = ?) "
                        + "OR EXISTS (SELECT 1 FROM layers WHERE blob_digest = ?) "
                        + "OR EXISTS (SELECT 1 FROM repo_digests WHERE manifest_digest = ? OR image_manifest = ?)")) {
            for (int i = 1; i <= 4; i++) {
                ps.setString(i, digest.toString());
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    static Set<Digest> all(Tx tx) throws SQLException {
        Set<Digest> out = new HashSet<>();
        try (PreparedStatement ps = tx.connection().prepareStatement(ALL);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(Digest.parse(rs.getString(1)));
            }
        }
        return out;
    }
}
