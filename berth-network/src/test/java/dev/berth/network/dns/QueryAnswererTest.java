package dev.berth.network.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.network.ipam.Ipv4;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsPtrRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryAnswererTest {
    private final InetSocketAddress upstream = new InetSocketAddress("127.0.0.1", 53);
    private final DnsRecords records = new DnsRecords() {
        private final Map<String, List<Ipv4>> names = Map.of(
                "web", List.of(Ipv4.parse("10.1.0.2")),
                "web.front", List.of(Ipv4.parse("10.1.0.2")),
                "db", List.of(Ipv4.parse("10.1.0.3"), Ipv4.parse("10.1.0.4")));

        @Override
        public List<Ipv4> addresses(String asking, String name) {
            return asking.equals("isolated") ? List.of() : names.getOrDefault(name, List.of());
        }

        @Override
        public String nameOf(String asking, Ipv4 ip) {
            return ip.equals(Ipv4.parse("10.1.0.2")) ? "web.front" : null;
        }

        @Override
        public List<InetSocketAddress> upstream(String asking) {
            return asking.equals("internal") ? List.of() : List.of(upstream);
        }
    };
    private final QueryAnswerer answerer = new QueryAnswerer(records);

    @Test
    void namesOfSharedNetworksAreAnsweredWithAllTheirAddresses() {
        QueryAnswerer.Answer a = (QueryAnswerer.Answer) decide("c1", "DB.", DnsRecordType.A);
        DefaultDnsResponse r = filled(a);
        assertThat(r.code()).isEqualTo(DnsResponseCode.NOERROR);
        assertThat(r.isRecursionAvailable()).isTrue();
        assertThat(r.count(DnsSection.ANSWER)).isEqualTo(2);
        assertThat(r.recordAt(DnsSection.ANSWER).timeToLive()).isEqualTo(600);
    }

    @Test
    void aaaaOfAKnownNameIsAnEmptyAnswerNotAForward() {
        DefaultDnsResponse r = filled((QueryAnswerer.Answer) decide("c1", "web.", DnsRecordType.AAAA));
        assertThat(r.code()).isEqualTo(DnsResponseCode.NOERROR);
        assertThat(r.count(DnsSection.ANSWER)).isZero();
    }

    @Test
    void otherNamesAreForwardedAndNowhereToForwardIsServfail() {
        assertThat(decide("c1", "example.org.", DnsRecordType.A))
                .isInstanceOfSatisfying(
                        QueryAnswerer.Forward.class,
                        f -> assertThat(f.servers()).containsExactly(upstream));
        assertThat(decide("isolated", "web.", DnsRecordType.A)).isInstanceOf(QueryAnswerer.Forward.class);
        QueryAnswerer.Answer a = (QueryAnswerer.Answer) decide("internal", "example.org.", DnsRecordType.A);
        assertThat(a.code()).isEqualTo(DnsResponseCode.SERVFAIL);
    }

    @Test
    void reverseLookupsOfContainerAddressesNameThem() {
        DefaultDnsResponse r = filled((QueryAnswerer.Answer) decide("c1", "2.0.1.10.in-addr.arpa.", DnsRecordType.PTR));
        assertThat(((DnsPtrRecord) r.recordAt(DnsSection.ANSWER)).hostname()).isEqualTo("web.front.");
        assertThat(decide("c1", "9.0.1.10.in-addr.arpa.", DnsRecordType.PTR)).isInstanceOf(QueryAnswerer.Forward.class);
    }

    @Test
    void garbageIsDroppedOrRefusedAsMalformed() {
        assertThat(answerer.decide("c1", Unpooled.wrappedBuffer(new byte[5]))).isInstanceOf(QueryAnswerer.Drop.class);
        byte[] truncated = java.util.Arrays.copyOf(DnsWire.query(1, "web.", DnsRecordType.A), 15);
        assertThat(((QueryAnswerer.Answer) answerer.decide("c1", Unpooled.wrappedBuffer(truncated))).code())
                .isEqualTo(DnsResponseCode.FORMERR);
    }

    private QueryAnswerer.Decision decide(String asking, String name, DnsRecordType type) {
        return answerer.decide(asking, Unpooled.wrappedBuffer(DnsWire.query(7, name, type)));
    }

    private static DefaultDnsResponse filled(QueryAnswerer.Answer a) {
        DefaultDnsResponse r = new DefaultDnsResponse(a.id());
        a.fill(r);
        assertThat(r.id()).isEqualTo(7);
        return r;
    }
}
