package dev.berth.network.dns;

import dev.berth.network.ipam.Ipv4;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsPtrRecord;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Decides what one query gets, as libnetwork's resolver.go: A and PTR records of the asker's
 * networks from {@link DnsRecords} (TTL 600, several addresses in random order), an empty answer
 * for AAAA of a known name (the networks have no IPv6), everything else forwarded upstream
 * unchanged, SERVFAIL when there is nowhere to forward to. Only the header and question are read
 * here (Netty's record decoder); forwarded queries and answers travel as the bytes they are.
 */
final class QueryAnswerer {
    static final int TTL_SECONDS = 600;

    private final DnsRecords records;

    QueryAnswerer(DnsRecords records) {
        this.records = records;
    }

    /** The decision for one query. */
    sealed interface Decision {}

    /** Answer locally: {@code fill} receives the response to complete. */
    record Answer(int id, boolean recursionDesired, DnsQuestion question, List<DnsRecord> answers, DnsResponseCode code)
            implements Decision {
        void fill(DnsResponse response) {
            response.setRecursionDesired(recursionDesired)
                    .setRecursionAvailable(true)
                    .setCode(code);
            if (question != null) {
                response.addRecord(DnsSection.QUESTION, question);
            }
            answers.forEach(a -> response.addRecord(DnsSection.ANSWER, a));
        }
    }

    /** Send the query's bytes to these servers, in order, and relay the first answer; {@code failed} when none answers. */
    record Forward(List<InetSocketAddress> servers, Answer failed) implements Decision {}

    /** Not a query (or not one to answer): drop it, as a server does with garbage. */
    record Drop() implements Decision {}

    Decision decide(String askingContainer, ByteBuf query) {
        if (query.readableBytes() < 12) {
            return new Drop();
        }
        int id = query.getUnsignedShort(0);
        int flags = query.getUnsignedShort(2);
        boolean response = (flags & 0x8000) != 0;
        int opcode = (flags >> 11) & 0xf;
        boolean rd = (flags & 0x0100) != 0;
        if (response) {
            return new Drop();
        }
        if (opcode != 0 || query.getUnsignedShort(4) != 1) {
            return new Answer(id, rd, null, List.of(), DnsResponseCode.NOTIMP);
        }
        DnsQuestion question;
        try {
            question = DnsRecordDecoder.DEFAULT.decodeQuestion(query.duplicate().readerIndex(12));
        } catch (Exception e) { // a malformed name: Netty's CorruptedFrameException, or running off the end
            return new Answer(id, rd, null, List.of(), DnsResponseCode.FORMERR);
        }
        String name = stripDot(question.name()).toLowerCase(Locale.ROOT);
        Supplier<Decision> forward = () -> {
            List<InetSocketAddress> upstream = records.upstream(askingContainer);
            Answer failed = new Answer(id, rd, question, List.of(), DnsResponseCode.SERVFAIL);
            return upstream.isEmpty() ? failed : new Forward(upstream, failed);
        };
        DnsRecordType type = question.type();
        if (type.equals(DnsRecordType.A) || type.equals(DnsRecordType.AAAA)) {
            List<Ipv4> addresses = new ArrayList<>(records.addresses(askingContainer, name));
            if (addresses.isEmpty()) {
                return forward.get();
            }
            if (type.equals(DnsRecordType.AAAA)) {
                return new Answer(id, rd, question, List.of(), DnsResponseCode.NOERROR);
            }
            Collections.shuffle(addresses);
            List<DnsRecord> answers = addresses.stream()
                    .<DnsRecord>map(ip -> new DefaultDnsRawRecord(
                            question.name(), DnsRecordType.A, TTL_SECONDS, Unpooled.wrappedBuffer(ip.bytes())))
                    .toList();
            return new Answer(id, rd, question, answers, DnsResponseCode.NOERROR);
        }
        if (type.equals(DnsRecordType.PTR)) {
            Ipv4 ip = reverse(name);
            String owner = ip == null ? null : records.nameOf(askingContainer, ip);
            if (owner == null) {
                return forward.get();
            }
            return new Answer(
                    id,
                    rd,
                    question,
                    List.of(new DefaultDnsPtrRecord(question.name(), DnsRecord.CLASS_IN, TTL_SECONDS, owner + ".")),
                    DnsResponseCode.NOERROR);
        }
        return forward.get();
    }

    /** "4.3.2.1.in-addr.arpa" → 1.2.3.4, or null for any other name. */
    static Ipv4 reverse(String name) {
        String suffix = ".in-addr.arpa";
        if (!name.endsWith(suffix)) {
            return null;
        }
        String[] parts = name.substring(0, name.length() - suffix.length()).split("\\.");
        if (parts.length != 4) {
            return null;
        }
        return Ipv4.tryParse(parts[3] + "." + parts[2] + "." + parts[1] + "." + parts[0]);
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
