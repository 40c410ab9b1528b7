package dev.berth.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.metadata.MetadataStore;
import dev.berth.network.dns.DnsWire;
import dev.berth.network.firewall.Chains;
import dev.berth.network.ipam.AddressPool;
import dev.berth.network.ipam.Ipv4;
import dev.berth.network.port.PortRequest;
import dev.berth.testing.Prerequisites;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network module without the engine: networks and "containers" that are namespaces of the
 * test's own, on a bridge, chains and pool of this test's alone.
 */
class NetworkingIT {
    @TempDir
    Path dir;

    private final String tag =
            HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    private final List<String> events = new ArrayList<>();
    private final List<ScratchNamespace> namespaces = new ArrayList<>();
    private MetadataStore db;
    private int second;
    private Networking networking;

    @BeforeEach
    void setUp() throws Exception {
        Prerequisites.requireRoot();
        db = MetadataStore.open(dir.resolve("metadata.db"));
        Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.53\nsearch example.test\n");
        second = ThreadLocalRandom.current().nextInt(64, 128);
        networking = started("bt" + tag);
    }

    /** A "daemon" of this test's on {@code bridge} as its default bridge ("none": without one). */
    private Networking started(String bridge) {
        NetworkConfig config = new NetworkConfig(
                bridge,
                null,
                List.of(AddressPool.parse("base=10." + second + ".0.0/16,size=24")),
                true,
                false,
                true,
                true,
                true,
                1500,
                new Chains("BT" + tag),
                dir.resolve("resolv.conf"),
                null);
        Networking started = Networking.create(
                db, config, (action, n, attrs) -> events.add(action + " " + n.name()), Clock.systemUTC());
        started.start();
        return started;
    }

    @AfterEach
    void tearDown() throws Exception {
        namespaces.forEach(ScratchNamespace::close);
        if (networking != null) {
            networking.close();
        }
        if (db != null) {
            db.close();
        }
        if (networking != null) {
            assertThat(ipLinks()).doesNotContain("bt" + tag).doesNotContain("bu" + tag);
            assertThat(iptablesSave()).doesNotContain("BT" + tag);
        }
    }

    @Test
    void defaultBridgeGetsAFreeSubnetOfThePoolAndBuiltinNetworksExist() throws Exception {
        NetworkService.Details bridge = networking.networks().inspect("bridge");
        assertThat(bridge.network().bridge()).isEqualTo("bt" + tag);
        assertThat(bridge.network().subnet().toString()).endsWith(".0.0/24");
        assertThat(networking.networks().list(Map.of()))
                .extracting(d -> d.network().name())
                .contains("bridge", "host", "none");
        assertThat(ipLinks()).contains("bt" + tag);
        assertThat(iptablesSave())
                .contains("-A BT" + tag + "-POSTROUTING -s " + bridge.network().subnet() + " ! -o bt" + tag
                        + " -j MASQUERADE");
    }

    /**
     * A daemon killed on one default bridge and started on another (or on none) removes the bridge
     * it left: a stopped one removes its bridges itself, a killed one cannot.
     */
    @Test
    void aDefaultBridgeLeftByAKilledDaemonGoesWhenTheNextStartNamesAnother() throws Exception {
        // the first "daemon" is dropped without close, as a SIGKILL drops it: its bridge stays
        networking = started("bu" + tag);
        assertThat(ipLinks()).doesNotContain("bt" + tag).contains("bu" + tag);
        assertThat(networking.networks().inspect("bridge").network().bridge()).isEqualTo("bu" + tag);

        networking = started("none");
        assertThat(ipLinks()).doesNotContain("bu" + tag).doesNotContain("bt" + tag);
        assertThat(networking.networks().list(Map.of()))
                .extracting(d -> d.network().name())
                .containsExactlyInAnyOrder("host", "none");
    }

    @Test
    void containersOnAUserNetworkReachEachOtherByNameAndPublishToLoopback() throws Exception {
        Network net = networking
                .networks()
                .create(new NetworkService.CreateRequest(
                        "front" + tag, null, false, false, false, null, List.of(), Map.of(), Map.of(), Map.of()));
        assertThat(events).contains("create front" + tag);

        ScratchNamespace web = namespace();
        ScratchNamespace client = namespace();
        SandboxRequest webRequest = request("web", Map.of("80/tcp", List.of(new PortRequest.Binding("127.0.0.1", ""))));
        SandboxRequest clientRequest = request("client", Map.of());
        start(webRequest, net, web);
        start(clientRequest, net, client);

        Ipv4 webIp = networking
                .containers()
                .address(webRequest.containerId(), net.name())
                .orElseThrow();
        assertThat(net.subnet().contains(webIp)).isTrue();
        assertThat(Files.readString(clientRequest.resolvConfFile()))
                .isEqualTo("search example.test\nnameserver 127.0.0.11\noptions ndots:0\n");
        assertThat(Files.readString(webRequest.hostsFile())).endsWith(webIp + "\t" + webRequest.hostname() + "\n");

        try (ServerSocket server =
                web.namespace().call(() -> new ServerSocket(80, 5, InetAddress.getByName("0.0.0.0")))) {
            Thread answer = Thread.ofVirtual().start(() -> serveOnce(server, 2));
            // what the container's resolver does: ask 127.0.0.11, then connect to the answer
            String viaName = client.namespace().call(() -> fetch(resolve("web"), 80));
            assertThat(viaName).isEqualTo("hello");
            int hostPort = networking
                    .containers()
                    .ports(webRequest.containerId())
                    .getFirst()
                    .hostPort();
            assertThat(fetch(InetAddress.getByName("127.0.0.1"), hostPort)).isEqualTo("hello");
            assertThat(iptablesSave())
                    .contains("-A BT" + tag + " -d 127.0.0.1/32 ! -i " + net.bridge() + " -p tcp -m tcp --dport "
                            + hostPort + " -j DNAT --to-destination " + webIp + ":80");
            answer.join();
        }

        assertThatThrownBy(() -> networking.networks().remove(net.name())).hasMessageContaining("has active endpoints");
        networking.containers().release(webRequest.containerId());
        networking.containers().release(clientRequest.containerId());
        assertThat(networking.containers().ports(webRequest.containerId())).isEmpty();
        networking.networks().remove(net.name());
        assertThat(ipLinks()).doesNotContain(net.bridge());
        assertThat(events).contains("destroy front" + tag);
    }

    @Test
    void aStaticAddressIsHandedOutOnceAndOverlapsAreRefused() throws Exception {
        Network net = networking
                .networks()
                .create(new NetworkService.CreateRequest(
                        "static" + tag,
                        null,
                        false,
                        false,
                        false,
                        null,
                        List.of(new NetworkService.Pool(
                                "10.201." + ThreadLocalRandom.current().nextInt(256) + ".0/24", null, null, Map.of())),
                        Map.of(),
                        Map.of(),
                        Map.of()));
        assertThatThrownBy(() -> networking
                        .networks()
                        .create(new NetworkService.CreateRequest(
                                "other" + tag,
                                null,
                                false,
                                false,
                                false,
                                null,
                                List.of(new NetworkService.Pool(net.subnet().toString(), null, null, Map.of())),
                                Map.of(),
                                Map.of(),
                                Map.of())))
                .hasMessage("Pool overlaps with other one on this address space");
        Ipv4 wanted = net.subnet().first().plus(10);
        EndpointConfig fixed = new EndpointConfig(
                new EndpointConfig.IpamConfig(wanted.toString(), null, null), null, null, null, null);
        SandboxRequest a = request("a", Map.of());
        SandboxRequest b = request("b", Map.of());
        networking.containers().create(a.containerId(), "a", net.name(), Map.of(net.name(), fixed));
        networking.containers().create(b.containerId(), "b", net.name(), Map.of(net.name(), fixed));
        networking.containers().lease(a);
        assertThat(networking.containers().address(a.containerId(), net.name())).contains(wanted);
        assertThatThrownBy(() -> networking.containers().lease(b)).hasMessage("Address already in use");
        networking.containers().release(a.containerId());
        networking.containers().remove(a.containerId());
        networking.containers().remove(b.containerId());
        networking.networks().remove(net.id());
    }

    private void start(SandboxRequest r, Network net, ScratchNamespace ns) {
        networking.containers().create(r.containerId(), r.containerName(), net.name(), Map.of());
        networking.containers().lease(r);
        networking.containers().plumb(r.containerId(), ns.pid());
    }

    private SandboxRequest request(String name, Map<String, List<PortRequest.Binding>> ports) throws Exception {
        String id = HexFormat.of().formatHex(java.security.SecureRandom.getSeed(32));
        Path etc = Files.createDirectories(dir.resolve(name));
        return new SandboxRequest(
                id,
                name,
                id.substring(0, 12),
                "",
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                ports,
                Set.of(),
                false,
                "",
                etc.resolve("hosts"),
                etc.resolve("resolv.conf"));
    }

    private ScratchNamespace namespace() {
        ScratchNamespace ns = ScratchNamespace.create();
        namespaces.add(ns);
        return ns;
    }

    private static void serveOnce(ServerSocket server, int times) {
        for (int i = 0; i < times; i++) {
            try (Socket s = server.accept();
                    OutputStream out = s.getOutputStream()) {
                out.write("hello".getBytes());
            } catch (Exception e) {
                return;
            }
        }
    }

    /** An A query to the embedded DNS server, from the calling thread's namespace. */
    private static InetAddress resolve(String name) throws Exception {
        byte[] query = DnsWire.query(1, name + ".", io.netty.handler.codec.dns.DnsRecordType.A);
        try (java.net.DatagramSocket s = new java.net.DatagramSocket()) {
            s.setSoTimeout(5000);
            s.send(new java.net.DatagramPacket(query, query.length, new InetSocketAddress("127.0.0.11", 53)));
            byte[] buffer = new byte[512];
            java.net.DatagramPacket answer = new java.net.DatagramPacket(buffer, buffer.length);
            s.receive(answer);
            List<String> addresses =
                    DnsWire.addresses(DnsWire.response(java.util.Arrays.copyOf(buffer, answer.getLength())));
            return InetAddress.getByName(addresses.getFirst());
        }
    }

    private static String fetch(InetAddress address, int port) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 5000);
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes());
        }
    }

    private static String ipLinks() throws Exception {
        return exec("ip", "-o", "link");
    }

    private static String iptablesSave() throws Exception {
        return exec("iptables-save");
    }

    private static String exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
