package dev.berth.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.core.metadata.Tx;
import dev.berth.network.ipam.Ipv4;
import dev.berth.network.ipam.Subnet;
import dev.berth.network.port.PortMapping;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The {@code networks}, {@code endpoints} and {@code port_mappings} tables (core's Schema.V6_NETWORKS). */
final class NetworkDao {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private final Tx tx;

    NetworkDao(Tx tx) {
        this.tx = tx;
    }

    // ---- networks -----------------------------------------------------------------------------

    void insert(Network n) throws SQLException {
        update(
                "INSERT INTO networks (id, name, driver, created, internal, attachable, bridge, subnet, ip_range,"
                        + " gateway, from_pool, options, labels, ipam) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                n.id(),
                n.name(),
                n.driver(),
                n.created().toString(),
                n.internal() ? 1 : 0,
                n.attachable() ? 1 : 0,
                n.bridge(),
                text(n.subnet()),
                text(n.ipRange()),
                text(n.gateway()),
                n.fromPool() ? 1 : 0,
                json(n.options()),
                json(n.labels()),
                json(n.ipam()));
    }

    /** Rewrites a network's row in place (the default bridge, to the daemon's current settings). */
    void update(Network n) throws SQLException {
        update(
                "UPDATE networks SET name = ?, driver = ?, created = ?, internal = ?, attachable = ?, bridge = ?,"
                        + " subnet = ?, ip_range = ?, gateway = ?, from_pool = ?, options = ?, labels = ?, ipam = ?"
                        + " WHERE id = ?",
                n.name(),
                n.driver(),
                n.created().toString(),
                n.internal() ? 1 : 0,
                n.attachable() ? 1 : 0,
                n.bridge(),
                text(n.subnet()),
                text(n.ipRange()),
                text(n.gateway()),
                n.fromPool() ? 1 : 0,
                json(n.options()),
                json(n.labels()),
                json(n.ipam()),
                n.id());
    }

    Optional<Network> network(String id) throws SQLException {
        return one("SELECT * FROM networks WHERE id = ? AND removing = 0", id);
    }

    Optional<Network> networkByName(String name) throws SQLException {
        return one("SELECT * FROM networks WHERE name = ? AND removing = 0", name);
    }

    /** Networks whose ID starts with {@code prefix}. */
    List<Network> networksByIdPrefix(String prefix) throws SQLException {
        return queryNetworks(
                "SELECT * FROM networks WHERE removing = 0 AND substr(id, 1, ?) = ? ORDER BY id",
                prefix.length(),
                prefix);
    }

    List<Network> networks() throws SQLException {
        return queryNetworks("SELECT * FROM networks WHERE removing = 0 ORDER BY created, name");
    }

    /** Networks whose removal began but did not finish (the daemon died in between). */
    List<Network> removing() throws SQLException {
        return queryNetworks("SELECT * FROM networks WHERE removing = 1");
    }

    void markRemoving(String id) throws SQLException {
        update("UPDATE networks SET removing = 1 WHERE id = ?", id);
    }

    void delete(String id) throws SQLException {
        update("DELETE FROM networks WHERE id = ?", id);
    }

    // ---- endpoints ----------------------------------------------------------------------------

    void insert(Endpoint e) throws SQLException {
        update(
                "INSERT INTO endpoints (network_id, container_id, container_name, config) VALUES (?, ?, ?, ?)",
                e.networkId(),
                e.containerId(),
                e.containerName(),
                json(e.config()));
    }

    Optional<Endpoint> endpoint(String networkId, String containerId) throws SQLException {
        List<Endpoint> rows = queryEndpoints(
                "SELECT * FROM endpoints WHERE network_id = ? AND container_id = ?", networkId, containerId);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    List<Endpoint> endpointsOfContainer(String containerId) throws SQLException {
        // in the order the container joined them: its first network gives it eth0 and its default route
        return queryEndpoints("SELECT * FROM endpoints WHERE container_id = ? ORDER BY rowid", containerId);
    }

    /** Every endpoint, each container's in the order it joined its networks. */
    List<Endpoint> endpointsInJoinOrder() throws SQLException {
        return queryEndpoints("SELECT * FROM endpoints ORDER BY rowid");
    }

    List<Endpoint> endpointsOfNetwork(String networkId) throws SQLException {
        return queryEndpoints("SELECT * FROM endpoints WHERE network_id = ? ORDER BY container_name", networkId);
    }

    List<Endpoint> endpoints() throws SQLException {
        return queryEndpoints("SELECT * FROM endpoints ORDER BY network_id, container_name");
    }

    void setLease(String networkId, String containerId, Endpoint.Lease lease) throws SQLException {
        update(
                "UPDATE endpoints SET endpoint_id = ?, ip = ?, mac = ?, interface = ? WHERE network_id = ?"
                        + " AND container_id = ?",
                lease == null ? null : lease.endpointId(),
                lease == null ? null : text(lease.ip()),
                lease == null ? null : lease.mac(),
                lease == null ? null : lease.hostInterface(),
                networkId,
                containerId);
    }

    void clearLeases(String containerId) throws SQLException {
        update(
                "UPDATE endpoints SET endpoint_id = NULL, ip = NULL, mac = NULL, interface = NULL"
                        + " WHERE container_id = ?",
                containerId);
    }

    Set<Ipv4> leasedAddresses(String networkId) throws SQLException {
        Set<Ipv4> out = new HashSet<>();
        try (PreparedStatement ps =
                prepare("SELECT ip FROM endpoints WHERE network_id = ? AND ip IS NOT NULL", networkId)) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(Ipv4.parse(rs.getString(1)));
                }
            }
        }
        return out;
    }

    void delete(String networkId, String containerId) throws SQLException {
        update("DELETE FROM endpoints WHERE network_id = ? AND container_id = ?", networkId, containerId);
    }

    void deleteEndpoints(String containerId) throws SQLException {
        update("DELETE FROM endpoints WHERE container_id = ?", containerId);
    }

    void rename(String containerId, String name) throws SQLException {
        update("UPDATE endpoints SET container_name = ? WHERE container_id = ?", name, containerId);
    }

    // ---- published ports ----------------------------------------------------------------------

    void insert(PortMapping p) throws SQLException {
        update(
                "INSERT INTO port_mappings (container_id, network_id, protocol, container_port, host_ip, host_port)"
                        + " VALUES (?, ?, ?, ?, ?, ?)",
                p.containerId(),
                p.networkId(),
                p.protocol(),
                p.containerPort(),
                p.hostIp().toString(),
                p.hostPort());
    }

    List<PortMapping> ports(String containerId) throws SQLException {
        return queryPorts("SELECT * FROM port_mappings WHERE container_id = ? ORDER BY rowid", containerId);
    }

    List<PortMapping> ports() throws SQLException {
        return queryPorts("SELECT * FROM port_mappings ORDER BY rowid");
    }

    void deletePorts(String containerId) throws SQLException {
        update("DELETE FROM port_mappings WHERE container_id = ?", containerId);
    }

    // ---- plumbing -----------------------------------------------------------------------------

    private Optional<Network> one(String sql, Object... args) throws SQLException {
        List<Network> rows = queryNetworks(sql, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    private List<Network> queryNetworks(String sql, Object... args) throws SQLException {
        List<Network> out = new ArrayList<>();
        try (PreparedStatement ps = prepare(sql, args);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Network(
                        rs.getString("id"),
                        rs.getString("name"),
                        rs.getString("driver"),
                        Instant.parse(rs.getString("created")),
                        rs.getInt("internal") != 0,
                        rs.getInt("attachable") != 0,
                        rs.getString("bridge"),
                        rs.getString("subnet") == null ? null : Subnet.parse(rs.getString("subnet")),
                        rs.getString("ip_range") == null ? null : Subnet.parse(rs.getString("ip_range")),
                        rs.getString("gateway") == null ? null : Ipv4.parse(rs.getString("gateway")),
                        rs.getInt("from_pool") != 0,
                        parse(rs.getString("options"), STRING_MAP),
                        parse(rs.getString("labels"), STRING_MAP),
                        parse(rs.getString("ipam"), new TypeReference<Network.Ipam>() {})));
            }
        }
        return out;
    }

    private List<Endpoint> queryEndpoints(String sql, Object... args) throws SQLException {
        List<Endpoint> out = new ArrayList<>();
        try (PreparedStatement ps = prepare(sql, args);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String endpointId = rs.getString("endpoint_id");
                Endpoint.Lease lease = endpointId == null
                        ? null
                        : new Endpoint.Lease(
                                endpointId,
                                rs.getString("ip") == null ? null : Ipv4.parse(rs.getString("ip")),
                                rs.getString("mac"),
                                rs.getString("interface"));
                out.add(new Endpoint(
                        rs.getString("network_id"),
                        rs.getString("container_id"),
                        rs.getString("container_name"),
                        parse(rs.getString("config"), new TypeReference<EndpointConfig>() {}),
                        lease));
            }
        }
        return out;
    }

    private List<PortMapping> queryPorts(String sql, Object... args) throws SQLException {
        List<PortMapping> out = new ArrayList<>();
        try (PreparedStatement ps = prepare(sql, args);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new PortMapping(
                        rs.getString("container_id"),
                        rs.getString("network_id"),
                        rs.getString("protocol"),
                        rs.getInt("container_port"),
                        Ipv4.parse(rs.getString("host_ip")),
                        rs.getInt("host_port")));
            }
        }
        return out;
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement ps = tx.connection().prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case null -> ps.setNull(i + 1, Types.NULL);
                case Integer n -> ps.setInt(i + 1, n);
                case String s -> ps.setString(i + 1, s);
                default -> throw new IllegalArgumentException("unsupported SQL argument " + args[i].getClass());
            }
        }
        return ps;
    }

    private void update(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(sql, args)) {
            ps.executeUpdate();
        }
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T parse(String text, TypeReference<T> type) {
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bad JSON in the networks tables: " + text, e);
        }
    }
}
