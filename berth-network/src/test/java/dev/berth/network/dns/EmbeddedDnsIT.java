package dev.berth.network.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.network.ScratchNamespace;
import dev.berth.network.ipam.Ipv4;
import dev.berth.network.netlink.RtNetlink;
import dev.berth.testing.Prerequisites;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded server inside a namespace of the test's own, asked at 127.0.0.11:53 over UDP and
 * TCP; other names go to a fake upstream server the test runs on a loopback address of its own.
 */
class EmbeddedDnsIT {
    private ScratchNamespace container;
    private EmbeddedDns dns;
    private DatagramSocket upstream;
    private Thread upstreamThread;

    @BeforeEach
    void setUp() throws Exception {
        Prerequisites.requireRoot();
        container = ScratchNamespace.create();
        try (RtNetlink inside = RtNetlink.in(container.namespace())) {
            inside.up(inside.link("lo").orElseThrow().index());
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        InetAddress fake = InetAddress.getByName(
                "127." + random.nextInt(1, 255) + "." + random.nextInt(1, 255) + "." + random.nextInt(1, 255));
        upstream = new DatagramSocket(new InetSocketAddress(fake, 53));
        upstreamThread = Thread.ofVirtual().start(this::serveUpstream);
        InetSocketAddress upstreamAddress = new InetSocketAddress(fake, 53);
        dns = new EmbeddedDns(new DnsRecords() {
            @Override
            public List<Ipv4> addresses(String asking, String name) {
                return name.equals("web") ? List.of(Ipv4.parse("10.1.0.2")) : List.of();
            }

            @Override
            public String nameOf(String asking, Ipv4 ip) {
                return null;
            }

            @Override
            public List<InetSocketAddress> upstream(String asking) {
                return List.of(upstreamAddress);
            }
        });
        dns.serve("c1", container.namespace(), true);
    }

    /** Answers every name with 10.99.0.1. */
    private void serveUpstream() {
        byte[] buffer = new byte[512];
        while (!upstream.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                upstream.receive(p);
                byte[] query = Arrays.copyOf(buffer, p.getLength());
                byte[] answer = DnsWire.answer(query, "example.org.", Ipv4.parse("10.99.0.1"));
                upstream.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            } catch (Exception e) {
                return;
            }
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        if (dns != null) {
            dns.close();
        }
        if (upstream != null) {
            upstream.close();
            upstreamThread.join();
        }
        if (container != null) {
            container.close();
        }
    }

    @Test
    void answersContainerNamesOverUdpAtPort53() {
        DnsResponse r = DnsWire.response(askUdp(DnsWire.query(11, "web.", DnsRecordType.A)));
        assertThat(r.id()).isEqualTo(11);
        assertThat(DnsWire.addresses(r)).containsExactly("10.1.0.2");
    }

    @Test
    void forwardsOtherNamesToTheUpstreamServer() {
        DnsResponse r = DnsWire.response(askUdp(DnsWire.query(12, "example.org.", DnsRecordType.A)));
        assertThat(r.code()).isEqualTo(DnsResponseCode.NOERROR);
        assertThat(DnsWire.addresses(r)).containsExactly("10.99.0.1");
    }

    @Test
    void answersOverTcpToo() {
        byte[] answer = container.namespace().call(() -> {
            byte[] query = DnsWire.query(13, "web.", DnsRecordType.A);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.11", 53), 5000);
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                out.write(new byte[] {0, (byte) query.length});
                out.write(query);
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] bytes = new byte[in.readUnsignedShort()];
                in.readFully(bytes);
                return bytes;
            }
        });
        assertThat(DnsWire.addresses(DnsWire.response(answer))).containsExactly("10.1.0.2");
    }

    @Test
    void aRestartedDaemonServesAgainOnNewPorts() {
        dns.close();
        dns = new EmbeddedDns(new DnsRecords() {
            @Override
            public List<Ipv4> addresses(String asking, String name) {
                return List.of(Ipv4.parse("10.1.0.9"));
            }

            @Override
            public String nameOf(String asking, Ipv4 ip) {
                return null;
            }

            @Override
            public List<InetSocketAddress> upstream(String asking) {
                return List.of();
            }
        });
        dns.serve("c1", container.namespace(), false);
        assertThat(DnsWire.addresses(DnsWire.response(askUdp(DnsWire.query(14, "web.", DnsRecordType.A)))))
                .containsExactly("10.1.0.9");
    }

    private byte[] askUdp(byte[] query) {
        return container.namespace().call(() -> {
            try (DatagramSocket s = new DatagramSocket()) {
                s.setSoTimeout(10_000);
                s.send(new DatagramPacket(query, query.length, new InetSocketAddress("127.0.0.11", 53)));
                byte[] buffer = new byte[4096];
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                s.receive(p);
                assertThat(p.getPort()).as("the answer comes from port 53").isEqualTo(53);
                return Arrays.copyOf(buffer, p.getLength());
            }
        });
    }
}
