package dev.berth.network.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SubnetTest {
    @Test
    void parsesCidrKeepingTheHostPartAsWritten() {
        Subnet s = Subnet.parse("10.1.2.3/16");
        assertThat(s.address()).isEqualTo(Ipv4.parse("10.1.2.3"));
        assertThat(s.network()).isEqualTo(Subnet.parse("10.1.0.0/16"));
        assertThat(s.first()).hasToString("10.1.0.0");
        assertThat(s.last()).hasToString("10.1.255.255");
        assertThat(s.size()).isEqualTo(65536);
    }

    @Test
    void rejectsWhatGoRejectsWithDockersMessage() {
        for (String bad : new String[] {
            "10.0.0.0",
            "10.0.0.0/33",
            "10.0.0/8",
            "10.0.0.256/8",
            "10.0.0.1/-1",
            "010.0.0.0/8",
            "a.b.c.d/8",
            "10.0.0.0/08",
            ""
        }) {
            assertThatThrownBy(() -> Subnet.parse(bad)).hasMessage("invalid CIDR address: " + bad);
        }
    }

    @Test
    void overlapIsContainmentEitherWay() {
        Subnet big = Subnet.parse("172.18.0.0/16");
        assertThat(big.overlaps(Subnet.parse("172.18.5.0/24"))).isTrue();
        assertThat(Subnet.parse("172.18.5.0/24").overlaps(big)).isTrue();
        assertThat(big.overlaps(Subnet.parse("172.19.0.0/16"))).isFalse();
        assertThat(big.contains(Ipv4.parse("172.18.255.255"))).isTrue();
        assertThat(big.contains(Ipv4.parse("172.19.0.0"))).isFalse();
    }

    @Test
    void ipv4RoundTripsThroughBytesAndText() {
        Ipv4 ip = Ipv4.parse("192.168.200.7");
        assertThat(Ipv4.of(ip.bytes())).isEqualTo(ip);
        assertThat(ip.plus(250)).hasToString("192.168.201.1");
        assertThat(Ipv4.tryParse("1.2.3")).isNull();
        assertThat(Ipv4.parse("127.0.0.53").isLoopback()).isTrue();
    }
}
