package dev.berth.engine.container;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.berth.core.digest.Digest;
import dev.berth.core.metadata.Tx;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The {@code containers} table (core's Schema.V2_CONTAINERS), on an open transaction. */
final class ContainerDao {
    static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private final Tx tx;

    ContainerDao(Tx tx) {
        this.tx = tx;
    }

    void insert(Container c) throws SQLException {
        try (PreparedStatement ps = tx.connection()
                .prepareStatement("INSERT INTO containers (id, name, image_id, "
                        + "image_name, created, config, host_config, path, args, state, pid, shim_pid, exit_code, error, "
                        + "oom_killed, started_at, finished_at, restart_count, stopped_by_user, snapshot_key) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, c.id());
            ps.setString(2, c.name());
            ps.setString(3, c.imageId().toString());
            ps.setString(4, c.imageName());
            ps.setString(5, c.created().toString());
            ps.setString(6, json(c.config()));
            ps.setString(7, json(c.hostConfig()));
            ps.setString(8, c.path());
            ps.setString(9, json(c.args()));
            setState(ps, 10, c.state());
            ps.setString(20, c.snapshotKey());
            ps.executeUpdate();
        }
    }

    void updateState(String id, ContainerState s) throws SQLException {
        try (PreparedStatement ps = tx.connection()
                .prepareStatement("UPDATE containers SET state = ?, pid = ?, "
                        + "shim_pid = ?, exit_code = ?, error = ?, oom_killed = ?, started_at = ?, finished_at = ?, "
                        + "restart_count = ?, stopped_by_user = ? WHERE id = ?")) {
            setState(ps, 1, s);
            ps.setString(11, id);
            ps.executeUpdate();
        }
    }

    void updateHostConfig(String id, HostSettings host) throws SQLException {
        try (PreparedStatement ps =
                tx.connection().prepareStatement("UPDATE containers SET host_config = ? WHERE id = ?")) {
            ps.setString(1, json(host));
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    void rename(String id, String name) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE containers SET name = ? WHERE id = ?")) {
            ps.setString(1, name);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    boolean delete(String id) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("DELETE FROM containers WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() > 0;
        }
    }

    List<Container> all() throws SQLException {
        List<Container> out = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT * FROM containers ORDER BY created DESC");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    private static void setState(PreparedStatement ps, int at, ContainerState s) throws SQLException {
        ps.setString(at, s.status().word());
        ps.setLong(at + 1, s.pid());
        ps.setLong(at + 2, s.shimPid());
        ps.setInt(at + 3, s.exitCode());
        ps.setString(at + 4, s.error());
        ps.setInt(at + 5, s.oomKilled() ? 1 : 0);
        ps.setString(at + 6, s.startedAt() == null ? ZERO_TIME : s.startedAt().toString());
        ps.setString(at + 7, s.finishedAt() == null ? ZERO_TIME : s.finishedAt().toString());
        ps.setInt(at + 8, s.restartCount());
        ps.setInt(at + 9, s.stoppedByUser() ? 1 : 0);
    }

    private static Container row(ResultSet rs) throws SQLException {
        ContainerState state = new ContainerState(
                ContainerStatus.parse(rs.getString("state")),
                rs.getLong("pid"),
                rs.getLong("shim_pid"),
                rs.getInt("exit_code"),
                rs.getString("error"),
                rs.getInt("oom_killed") != 0,
                time(rs.getString("started_at")),
                time(rs.getString("finished_at")),
                rs.getInt("restart_count"),
                rs.getInt("stopped_by_user") != 0);
        try {
            return new Container(
                    rs.getString("id"),
                    rs.getString("name"),
                    Digest.parse(rs.getString("image_id")),
                    rs.getString("image_name"),
                    Instant.parse(rs.getString("created")),
                    JSON.readValue(rs.getString("config"), ContainerSettings.class),
                    JSON.readValue(rs.getString("host_config"), HostSettings.class),
                    rs.getString("path"),
                    JSON.readValue(rs.getString("args"), new TypeReference<List<String>>() {}),
                    state,
                    rs.getString("snapshot_key"));
        } catch (JsonProcessingException e) {
            throw new SQLException(
                    "container " + rs.getString("id") + ": unreadable JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Instant time(String s) {
        return s == null || s.equals(ZERO_TIME) ? null : Instant.parse(s);
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value, e);
        }
    }
}
