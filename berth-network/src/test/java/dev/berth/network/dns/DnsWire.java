package dev.berth.network.dns;

import dev.berth.network.ipam.Ipv4;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryEncoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Queries and answers as bytes, through Netty's codec, for the tests. */
public final class DnsWire {
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 53);

    private DnsWire() {}

    public static byte[] query(int id, String name, DnsRecordType type) {
        EmbeddedChannel ch = new EmbeddedChannel(new DatagramDnsQueryEncoder());
        ch.writeOutbound(new DatagramDnsQuery(null, ANY, id)
                .setRecursionDesired(true)
                .addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(name, type)));
        DatagramPacket p = ch.readOutbound();
        byte[] bytes = ByteBufUtil.getBytes(p.content());
        p.release();
        return bytes;
    }

    public static DnsResponse response(byte[] bytes) {
        EmbeddedChannel ch = new EmbeddedChannel(new DatagramDnsResponseDecoder());
        ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(bytes), ANY, ANY));
        return ch.readInbound();
    }

    /** An answer with one A record, as a fake upstream server sends it. */
    public static byte[] answer(byte[] query, String name, Ipv4 ip) {
        int id = Unpooled.wrappedBuffer(query).getUnsignedShort(0);
        EmbeddedChannel ch = new EmbeddedChannel(new DatagramDnsResponseEncoder());
        DatagramDnsResponse r = new DatagramDnsResponse(ANY, ANY, id);
        r.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(name, DnsRecordType.A));
        r.addRecord(
                DnsSection.ANSWER,
                new DefaultDnsRawRecord(name, DnsRecordType.A, 30, Unpooled.wrappedBuffer(ip.bytes())));
        ch.writeOutbound(r);
        DatagramPacket p = ch.readOutbound();
        return ByteBufUtil.getBytes(p.content());
    }

    /** The A records' addresses of an answer, in order. */
    public static List<String> addresses(DnsResponse response) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < response.count(DnsSection.ANSWER); i++) {
            DnsRecord r = response.recordAt(DnsSection.ANSWER, i);
            if (r.type().equals(DnsRecordType.A)) {
                ByteBuf content = ((DnsRawRecord) r).content();
                out.add(Ipv4.of(ByteBufUtil.getBytes(content)).toString());
            }
        }
        return out;
    }
}
