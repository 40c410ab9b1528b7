package dev.berth.network.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.network.ScratchNamespace;
import dev.berth.network.ipam.Ipv4;
import dev.berth.network.ipam.Subnet;
import dev.berth.testing.Prerequisites;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A bridge and a veth into a namespace of the test's own, set up only through rtnetlink, carry a TCP connection. */
class RtNetlinkIT {
    private final String suffix =
            HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    private final String bridge = "bt" + suffix;
    private final String veth = "vt" + suffix;
    private RtNetlink host;
    private ScratchNamespace container;

    @BeforeEach
    void setUp() {
        Prerequisites.requireRoot();
        host = RtNetlink.open();
        container = ScratchNamespace.create();
    }

    @AfterEach
    void tearDown() {
        if (container != null) {
            container.close();
        }
        if (host != null) {
            host.link(bridge).ifPresent(l -> host.deleteLink(l.index(), bridge));
            host.close();
        }
    }

    @Test
    void bridgeAndVethIntoANamespaceCarryTcpFromTheHost() throws Exception {
        Subnet subnet = freeSubnet();
        Ipv4 gateway = subnet.first().plus(1);
        Ipv4 address = subnet.first().plus(2);
        byte[] mac = {0x02, 0x42, 0x0a, 0x00, 0x00, 0x02};

        host.createBridge(bridge, 1500);
        Link br = host.link(bridge).orElseThrow();
        host.addAddress(br.index(), gateway, subnet);
        host.up(br.index());
        host.createVeth(veth, br.index(), 1500, "eth0", mac, container.namespace());

        assertThat(host.link(veth).orElseThrow().master()).isEqualTo(br.index());
        assertThat(host.links())
                .as("the peer never appears in the host")
                .noneMatch(l -> l.name().equals("eth0") && l.kind().equals("veth"));
        try (RtNetlink inside = RtNetlink.in(container.namespace())) {
            Link eth0 = inside.link("eth0").orElseThrow();
            assertThat(eth0.mac()).isEqualTo(mac);
            assertThat(eth0.mtu()).isEqualTo(1500);
            inside.addAddress(eth0.index(), address, subnet);
            inside.up(eth0.index());
            inside.up(inside.link("lo").orElseThrow().index());
            inside.addDefaultRoute(gateway, eth0.index());

            assertThat(inside.routes()).contains(new Route(new Subnet(new Ipv4(0), 0), gateway, eth0.index()));
            assertThat(inside.addresses())
                    .extracting(RtNetlink.InterfaceAddress::address)
                    .contains(new Subnet(address, subnet.prefixLength()));
        }
        assertThat(host.routes()).anyMatch(r -> r.destination().equals(subnet) && r.device() == br.index());

        try (ServerSocket server = container.namespace().call(() -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(InetAddress.getByAddress(address.bytes()), 0));
            return s;
        })) {
            Thread accept = Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept();
                        OutputStream out = s.getOutputStream()) {
                    out.write("hello from the namespace".getBytes());
                } catch (Exception ignored) {
                    // the assertion below reports it
                }
            });
            try (Socket client = new Socket()) {
                client.connect(
                        new InetSocketAddress(InetAddress.getByAddress(address.bytes()), server.getLocalPort()), 5000);
                client.setSoTimeout(5000);
                InputStream in = client.getInputStream();
                assertThat(new String(in.readAllBytes())).isEqualTo("hello from the namespace");
            }
            accept.join();
        }
    }

    @Test
    void theVethGoesWithItsNamespace() throws Exception {
        host.createBridge(bridge, 0);
        Link br = host.link(bridge).orElseThrow();
        host.createVeth(veth, br.index(), 0, "eth0", null, container.namespace());
        assertThat(host.link(veth)).isPresent();

        container.close();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (host.link(veth).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(host.link(veth)).isEmpty();
    }

    @Test
    void kernelErrorsNameTheOperationAndTheErrno() {
        host.createBridge(bridge, 0);
        assertThatThrownBy(() -> host.createBridge(bridge, 0))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("create bridge " + bridge)
                .hasMessageContaining("EEXIST")
                .extracting(e -> ((BerthException) e).kind())
                .isEqualTo(ErrorKind.ALREADY_EXISTS);
    }

    /** A /24 in 10.200.0.0/16 that no route of the host touches. */
    private Subnet freeSubnet() {
        for (int attempt = 0; attempt < 100; attempt++) {
            Subnet candidate = new Subnet(
                    Ipv4.parse("10.200." + ThreadLocalRandom.current().nextInt(256) + ".0"), 24);
            if (host.routes().stream()
                    .noneMatch(r -> r.destination().prefixLength() > 0
                            && r.destination().overlaps(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free /24 in 10.200.0.0/16");
    }
}
