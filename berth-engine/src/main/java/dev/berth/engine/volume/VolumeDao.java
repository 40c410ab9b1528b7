package dev.berth.engine.volume;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.metadata.Tx;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The {@code volumes} and {@code container_mounts} tables (core's Schema.V3_VOLUMES), on an open transaction. */
final class VolumeDao {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private final Tx tx;
    private final Function<String, Path> mountpoint;

    VolumeDao(Tx tx, Function<String, Path> mountpoint) {
        this.tx = tx;
        this.mountpoint = mountpoint;
    }

    void insert(Volume v) throws SQLException {
        try (PreparedStatement ps = tx.connection()
                .prepareStatement(
                        "INSERT INTO volumes (name, driver, labels, options, anonymous, created) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, v.name());
            ps.setString(2, v.driver());
            ps.setString(3, json(v.labels()));
            ps.setString(4, json(v.options()));
            ps.setInt(5, v.anonymous() ? 1 : 0);
            ps.setString(6, v.created().toString());
            ps.executeUpdate();
        }
    }

    Optional<Volume> get(String name) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT * FROM volumes WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(volume(rs)) : Optional.empty();
            }
        }
    }

    List<Volume> all() throws SQLException {
        List<Volume> out = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT * FROM volumes ORDER BY name");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(volume(rs));
            }
        }
        return out;
    }

    boolean delete(String name) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("DELETE FROM volumes WHERE name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() > 0;
        }
    }

    /** The containers with a mount point on {@code name}, in a stable order. */
    List<String> users(String name) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = tx.connection()
                .prepareStatement(
                        "SELECT DISTINCT container_id FROM container_mounts WHERE volume_name = ? ORDER BY container_id")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** Every volume name with the number of mount points on it (zero when unused). */
    Map<String, Integer> useCounts() throws SQLException {
        Map<String, Integer> out = new java.util.HashMap<>();
        try (PreparedStatement ps = tx.connection()
                        .prepareStatement(
                                "SELECT v.name, COUNT(m.container_id) "
                                        + "FROM volumes v LEFT JOIN container_mounts m ON m.volume_name = v.name GROUP BY v.name");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getInt(2));
            }
        }
        return out;
    }

    void insertMount(String containerId, MountPoint m) throws SQLException {
        try (PreparedStatement ps = tx.connection()
                .prepareStatement(
                        "INSERT INTO container_mounts (container_id, "
                                + "destination, type, volume_name, source, mode, rw, propagation, named) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, containerId);
            ps.setString(2, m.destination());
            ps.setString(3, m.type());
            ps.setString(4, m.volumeName());
            ps.setString(5, m.source() == null ? "" : m.source());
            ps.setString(6, m.mode());
            ps.setInt(7, m.rw() ? 1 : 0);
            ps.setString(8, m.propagation());
            ps.setInt(9, m.named() ? 1 : 0);
            ps.executeUpdate();
        }
    }

    List<MountPoint> mounts(String containerId) throws SQLException {
        List<MountPoint> out = new ArrayList<>();
        try (PreparedStatement ps = tx.connection()
                .prepareStatement("SELECT * FROM container_mounts WHERE container_id = ? ORDER BY destination")) {
            ps.setString(1, containerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(mountPoint(rs));
                }
            }
        }
        return out;
    }

    /** The mount points of every container, by container ID, each container's as {@link #mounts} orders them. */
    Map<String, List<MountPoint>> mountsByContainer() throws SQLException {
        Map<String, List<MountPoint>> out = new HashMap<>();
        try (PreparedStatement ps = tx.connection()
                        .prepareStatement("SELECT * FROM container_mounts ORDER BY container_id, destination");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString("container_id"), id -> new ArrayList<>())
                        .add(mountPoint(rs));
            }
        }
        return out;
    }

    private static MountPoint mountPoint(ResultSet rs) throws SQLException {
        return new MountPoint(
                rs.getString("type"),
                rs.getString("volume_name"),
                rs.getString("source"),
                rs.getString("destination"),
                rs.getString("mode"),
                rs.getInt("rw") != 0,
                rs.getString("propagation"),
                rs.getInt("named") != 0);
    }

    void deleteMounts(String containerId) throws SQLException {
        try (PreparedStatement ps =
                tx.connection().prepareStatement("DELETE FROM container_mounts WHERE container_id = ?")) {
            ps.setString(1, containerId);
            ps.executeUpdate();
        }
    }

    /** The volumes not named by the user that mount points of containers without a row refer to. */
    List<String> orphanAnonymousVolumes() throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = tx.connection()
                        .prepareStatement(
                                "SELECT DISTINCT volume_name FROM container_mounts "
                                        + "WHERE type = 'volume' AND named = 0 AND container_id NOT IN (SELECT id FROM containers)");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Removes the mount points of containers that have no row (a create that crashed half-way); returns how many. */
    int deleteOrphanMounts() throws SQLException {
        try (PreparedStatement ps = tx.connection()
                .prepareStatement(
                        "DELETE FROM container_mounts WHERE container_id NOT IN (SELECT id FROM containers)")) {
            return ps.executeUpdate();
        }
    }

    private Volume volume(ResultSet rs) throws SQLException {
        String name = rs.getString("name");
        try {
            return new Volume(
                    name,
                    rs.getString("driver"),
                    JSON.readValue(rs.getString("labels"), STRING_MAP),
                    JSON.readValue(rs.getString("options"), STRING_MAP),
                    rs.getInt("anonymous") != 0,
                    Instant.parse(rs.getString("created")),
                    mountpoint.apply(name));
        } catch (JsonProcessingException e) {
            throw new SQLException("volume " + name + ": unreadable JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String json(Map<String, String> map) {
        try {
            return JSON.writeValueAsString(new java.util.TreeMap<>(map));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + map, e);
        }
    }
}
