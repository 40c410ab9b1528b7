package dev.berth.it;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An upstream DNS server a test runs on the loopback address its daemon's host resolv.conf names
 * (see {@link TestNetwork#nameserver}): it answers A queries for its names and NXDOMAIN for every
 * other, and remembers what it was asked. The embedded DNS server forwards here, never to the
 * machine's resolver.
 */
public final class FakeResolver implements AutoCloseable {
    private final DatagramSocket socket;
    private final Map<String, String> names;
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final Thread thread;

    private FakeResolver(DatagramSocket socket, Map<String, String> names) {
        this.socket = socket;
        this.names = names;
        this.thread = Thread.ofVirtual().name("fake-resolver").start(this::serve);
    }

    /** @param names fully qualified name with its trailing dot → IPv4 address */
    public static FakeResolver start(String address, Map<String, String> names) {
        try {
            return new FakeResolver(
                    new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 53)), names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names it was asked, in order. */
    public List<String> asked() {
        return asked;
    }

    private void serve() {
        byte[] buffer = new byte[1500];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                socket.receive(p);
                byte[] answer = answer(Arrays.copyOf(buffer, p.getLength()));
                socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    private byte[] answer(byte[] query) {
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 53);
        EmbeddedChannel in = new EmbeddedChannel(new DatagramDnsQueryDecoder());
        in.writeInbound(new io.netty.channel.socket.DatagramPacket(Unpooled.wrappedBuffer(query), any, any));
        DatagramDnsQuery q = in.readInbound();
        DnsQuestion question = q.recordAt(DnsSection.QUESTION);
        asked.add(question.name());
        String ip = question.type().equals(DnsRecordType.A) ? names.get(question.name()) : null;
        DatagramDnsResponse r = new DatagramDnsResponse(any, any, q.id());
        r.setRecursionAvailable(true).setRecursionDesired(q.isRecursionDesired());
        r.addRecord(DnsSection.QUESTION, question);
        if (ip != null) {
            r.addRecord(
                    DnsSection.ANSWER,
                    new DefaultDnsRawRecord(
                            question.name(),
                            DnsRecordType.A,
                            60,
                            Unpooled.wrappedBuffer(
                                    dev.berth.network.ipam.Ipv4.parse(ip).bytes())));
        } else if (!names.containsKey(question.name())) {
            r.setCode(DnsResponseCode.NXDOMAIN);
        }
        EmbeddedChannel out = new EmbeddedChannel(new DatagramDnsResponseEncoder());
        out.writeOutbound(r);
        io.netty.channel.socket.DatagramPacket packet = out.readOutbound();
        return ByteBufUtil.getBytes(packet.content());
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join();
    }
}
