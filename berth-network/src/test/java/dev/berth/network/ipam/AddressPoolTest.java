package dev.berth.network.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AddressPoolTest {
    @Test
    void defaultsAreDockersPoolsWithoutDocker0s() {
        assertThat(AddressPool.DEFAULTS.getFirst()).isEqualTo(new AddressPool(Subnet.parse("172.18.0.0/16"), 16));
        assertThat(AddressPool.DEFAULTS).noneMatch(p -> p.base().equals(Subnet.parse("172.17.0.0/16")));
        assertThat(AddressPool.DEFAULTS.getLast().subnets().toList())
                .hasSize(16)
                .startsWith(Subnet.parse("192.168.0.0/20"), Subnet.parse("192.168.16.0/20"));
    }

    @Test
    void parsesTheFlagForm() {
        AddressPool pool = AddressPool.parse("base=10.10.0.0/16,size=24");
        assertThat(pool.subnets().limit(2).toList())
                .containsExactly(Subnet.parse("10.10.0.0/24"), Subnet.parse("10.10.1.0/24"));
        assertThat(pool.subnets().count()).isEqualTo(256);
        assertThat(AddressPool.parse("size=24,base=10.10.0.0/16")).isEqualTo(pool);
        assertThatThrownBy(() -> AddressPool.parse("base=10.10.0.0/16,size=8")).hasMessageContaining("size 8");
        assertThatThrownBy(() -> AddressPool.parse("base=10.10.0.0/16")).hasMessageContaining("size=");
    }

    @Test
    void chooserSkipsRoutesNetworksAndNameservers() {
        SubnetChooser chooser = new SubnetChooser(List.of(AddressPool.parse("base=10.10.0.0/16,size=24")));
        Subnet chosen = chooser.choose(
                List.of(Subnet.parse("10.10.0.0/24"), Subnet.parse("10.10.1.128/25")),
                List.of(Ipv4.parse("10.10.2.53")));
        assertThat(chosen).isEqualTo(Subnet.parse("10.10.3.0/24"));
    }

    @Test
    void anExhaustedPoolIsDockersMessage() {
        SubnetChooser chooser = new SubnetChooser(List.of(AddressPool.parse("base=10.10.0.0/24,size=24")));
        assertThatThrownBy(() -> chooser.choose(List.of(Subnet.parse("10.0.0.0/8")), List.of()))
                .hasMessageStartingWith("could not find an available, non-overlapping IPv4 address pool");
    }
}
