package dev.berth.network.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class AddressAllocatorTest {
    private final AddressAllocator allocator =
            new AddressAllocator(Subnet.parse("10.5.0.0/24"), null, Ipv4.parse("10.5.0.1"));

    @Test
    void lowestFreeAddressSkippingNetworkGatewayAndUsed() {
        assertThat(allocator.next(Set.of())).hasToString("10.5.0.2");
        assertThat(allocator.next(Set.of(Ipv4.parse("10.5.0.2"), Ipv4.parse("10.5.0.3"))))
                .hasToString("10.5.0.4");
    }

    @Test
    void neverTheBroadcastAddressAndSaysWhenFull() {
        AddressAllocator tiny = new AddressAllocator(Subnet.parse("10.5.0.0/30"), null, Ipv4.parse("10.5.0.1"));
        assertThat(tiny.next(Set.of())).hasToString("10.5.0.2");
        assertThatThrownBy(() -> tiny.next(Set.of(Ipv4.parse("10.5.0.2"))))
                .hasMessageStartingWith("no available IPv4 addresses");
    }

    @Test
    void ipRangeLimitsWhereAddressesComeFrom() {
        AddressAllocator ranged =
                new AddressAllocator(Subnet.parse("10.5.0.0/16"), Subnet.parse("10.5.7.0/24"), Ipv4.parse("10.5.0.1"));
        // as libnetwork: only the subnet's own first and last addresses are reserved, so a range
        // inside it starts at its .0
        assertThat(ranged.next(Set.of())).hasToString("10.5.7.0");
    }

    @Test
    void aStaticAddressMustBeInTheSubnetAndFree() {
        assertThat(allocator.exactly(Ipv4.parse("10.5.0.9"), Set.of())).hasToString("10.5.0.9");
        assertThatThrownBy(() -> allocator.exactly(Ipv4.parse("10.6.0.9"), Set.of()))
                .hasMessage("no configured subnet or ip-range contain the IP address 10.6.0.9");
        assertThatThrownBy(() -> allocator.exactly(Ipv4.parse("10.5.0.9"), Set.of(Ipv4.parse("10.5.0.9"))))
                .hasMessage("Address already in use");
        assertThatThrownBy(() -> allocator.exactly(Ipv4.parse("10.5.0.1"), Set.of()))
                .hasMessage("Address already in use");
    }
}
