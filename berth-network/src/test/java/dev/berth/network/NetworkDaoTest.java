package dev.berth.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.network.ipam.Ipv4;
import dev.berth.network.ipam.Subnet;
import dev.berth.network.port.PortMapping;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkDaoTest {
    @TempDir
    Path dir;

    private MetadataStore db;
    private final Network net = new Network(
            "a".repeat(64),
            "front",
            "bridge",
            Instant.parse("2026-01-02T03:04:05Z"),
            false,
            true,
            "br-aaaaaaaaaaaa",
            Subnet.parse("10.9.0.0/24"),
            null,
            Ipv4.parse("10.9.0.1"),
            true,
            Map.of("com.docker.network.bridge.name", "br-aaaaaaaaaaaa"),
            Map.of("tier", "web"),
            Network.Ipam.DEFAULT);

    @BeforeEach
    void setUp() {
        db = MetadataStore.open(dir.resolve("metadata.db"));
        db.inTransaction(tx -> {
            new NetworkDao(tx).insert(net);
            return null;
        });
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void networksRoundTripWithTheirOptionsLabelsAndIpam() {
        Network read = db.read(tx -> new NetworkDao(tx).networkByName("front")).orElseThrow();
        assertThat(read).isEqualTo(net);
        java.util.List<Network> prefixed = db.read(tx -> new NetworkDao(tx).networksByIdPrefix("aaaa"));
        assertThat(prefixed).containsExactly(net);
    }

    @Test
    void endpointsInJoinOrderKeepEachContainersOrderOfJoining() {
        Network back = new Network(
                "b".repeat(64),
                "back",
                net.driver(),
                net.created(),
                false,
                true,
                "br-bbbbbbbbbbbb",
                Subnet.parse("10.8.0.0/24"),
                null,
                Ipv4.parse("10.8.0.1"),
                true,
                Map.of(),
                Map.of(),
                Network.Ipam.DEFAULT);
        db.inTransaction(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            dao.insert(back);
            dao.insert(new Endpoint(back.id(), "c1", "one", EndpointConfig.EMPTY, null));
            dao.insert(new Endpoint(net.id(), "c2", "two", EndpointConfig.EMPTY, null));
            dao.insert(new Endpoint(net.id(), "c1", "one", EndpointConfig.EMPTY, null));
            return null;
        });
        java.util.List<Endpoint> all = db.read(tx -> new NetworkDao(tx).endpointsInJoinOrder());
        assertThat(all.stream().filter(e -> e.containerId().equals("c1")).map(Endpoint::networkId))
                .containsExactly(back.id(), net.id());
        assertThat(all.stream().filter(e -> e.containerId().equals("c1")).toList())
                .isEqualTo(db.read(tx -> new NetworkDao(tx).endpointsOfContainer("c1")));
    }

    @Test
    void anAddressIsLeasedOncePerNetwork() {
        db.inTransaction(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            dao.insert(new Endpoint(net.id(), "c1", "one", EndpointConfig.EMPTY, null));
            dao.insert(new Endpoint(net.id(), "c2", "two", EndpointConfig.EMPTY, null));
            dao.setLease(
                    net.id(), "c1", new Endpoint.Lease("e1", Ipv4.parse("10.9.0.2"), "02:42:0a:09:00:02", "veth1"));
            return null;
        });
        assertThatThrownBy(() -> db.inTransaction(tx -> {
                    new NetworkDao(tx)
                            .setLease(net.id(), "c2", new Endpoint.Lease("e2", Ipv4.parse("10.9.0.2"), "m", "v"));
                    return null;
                }))
                .isInstanceOfSatisfying(
                        BerthException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
        java.util.Set<Ipv4> leased = db.read(tx -> new NetworkDao(tx).leasedAddresses(net.id()));
        assertThat(leased).containsExactly(Ipv4.parse("10.9.0.2"));
        db.inTransaction(tx -> {
            new NetworkDao(tx).clearLeases("c1");
            return null;
        });
        java.util.Set<Ipv4> released = db.read(tx -> new NetworkDao(tx).leasedAddresses(net.id()));
        assertThat(released).isEmpty();
    }

    @Test
    void publishedPortsAreListedForAllContainersAndForOne() {
        db.inTransaction(tx -> {
            NetworkDao dao = new NetworkDao(tx);
            dao.insert(new PortMapping("c1", net.id(), "tcp", 80, Ipv4.parse("127.0.0.1"), 8080));
            dao.insert(new PortMapping("c2", net.id(), "udp", 53, new Ipv4(0), 5353));
            return null;
        });
        java.util.List<PortMapping> all = db.read(tx -> new NetworkDao(tx).ports());
        java.util.List<PortMapping> ofOne = db.read(tx -> new NetworkDao(tx).ports("c2"));
        assertThat(all).hasSize(2);
        assertThat(ofOne).containsExactly(new PortMapping("c2", net.id(), "udp", 53, new Ipv4(0), 5353));
    }
}
