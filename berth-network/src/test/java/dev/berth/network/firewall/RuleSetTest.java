package dev.berth.network.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.network.ipam.Ipv4;
import dev.berth.network.ipam.Subnet;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleSetTest {
    private final BridgeRules berth0 = new BridgeRules("berth0", Subnet.parse("172.18.0.0/16"), true, true, false);
    private final PortRule web = new PortRule("tcp", null, 8080, "berth0", Ipv4.parse("172.18.0.2"), 80);

    @Test
    void defaultBridgeWithAPublishedPortReadsLikeDockerd() {
        String rules = new RuleSet(new Chains("BERTH"), false).render(List.of(berth0), List.of(web));
        assertThat(rules).isEqualTo("""
                        *filter
                        :BERTH-FORWARD - [0:0]
                        :BERTH - [0:0]
                        :BERTH-ISOLATION-STAGE-1 - [0:0]
                        :BERTH-ISOLATION-STAGE-2 - [0:0]
                        -A BERTH-FORWARD -j BERTH-USER
                        -A BERTH-FORWARD -j BERTH-ISOLATION-STAGE-1
                        -A BERTH-FORWARD -o berth0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
                        -A BERTH-FORWARD -o berth0 -j BERTH
                        -A BERTH-FORWARD -i berth0 ! -o berth0 -j ACCEPT
                        -A BERTH-FORWARD -i berth0 -o berth0 -j ACCEPT
                        -A BERTH -d 172.18.0.2/32 ! -i berth0 -o berth0 -p tcp -m tcp --dport 80 -j ACCEPT
                        -A BERTH-ISOLATION-STAGE-1 -i berth0 ! -o berth0 -j BERTH-ISOLATION-STAGE-2
                        -A BERTH-ISOLATION-STAGE-2 -o berth0 -j DROP
                        -A BERTH-ISOLATION-STAGE-1 -j RETURN
                        -A BERTH-ISOLATION-STAGE-2 -j RETURN
                        COMMIT
                        *nat
                        :BERTH - [0:0]
                        :BERTH-POSTROUTING - [0:0]
                        -A BERTH-POSTROUTING -s 172.18.0.0/16 ! -o berth0 -j MASQUERADE
                        -A BERTH -i berth0 -j RETURN
                        -A BERTH-POSTROUTING -s 172.18.0.2/32 -d 172.18.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE
                        -A BERTH ! -i berth0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:80
                        COMMIT
                        """);
    }

    @Test
    void iccOffDropsTrafficBetweenContainersOfTheBridge() {
        BridgeRules noIcc = new BridgeRules("berth0", Subnet.parse("172.18.0.0/16"), false, true, false);
        assertThat(new RuleSet(new Chains("BERTH"), false).render(List.of(noIcc), List.of()))
                .contains("-A BERTH-FORWARD -i berth0 -o berth0 -j DROP\n");
    }

    @Test
    void internalNetworkNeitherLeavesNorMasquerades() {
        BridgeRules internal = new BridgeRules("br-0123456789ab", Subnet.parse("10.9.0.0/24"), true, true, true);
        String rules = new RuleSet(new Chains("BERTH"), false).render(List.of(internal), List.of());
        assertThat(rules)
                .contains("-A BERTH-ISOLATION-STAGE-1 ! -s 10.9.0.0/24 -o br-0123456789ab -j DROP\n")
                .contains("-A BERTH-ISOLATION-STAGE-1 ! -d 10.9.0.0/24 -i br-0123456789ab -j DROP\n")
                .doesNotContain("MASQUERADE")
                .doesNotContain("-i br-0123456789ab ! -o br-0123456789ab -j ACCEPT");
    }

    @Test
    void withoutTheUserlandProxyPortsAreDnatedFromEverywhereAndLoopbackIsMasqueraded() {
        RuleSet hairpin = new RuleSet(new Chains("BERTH"), true);
        PortRule local = new PortRule("udp", Ipv4.parse("127.0.0.1"), 5353, "berth0", Ipv4.parse("172.18.0.2"), 53);
        String rules = hairpin.render(List.of(berth0), List.of(local));
        assertThat(rules)
                .contains(
                        "-A BERTH -d 127.0.0.1/32 -p udp -m udp --dport 5353 -j DNAT --to-destination 172.18.0.2:53\n")
                .contains("-A BERTH-POSTROUTING -o berth0 -m addrtype --src-type LOCAL -j MASQUERADE\n")
                .doesNotContain("-A BERTH -i berth0 -j RETURN");
        assertThat(hairpin.jumps())
                .filteredOn(j -> j.chain().equals("OUTPUT"))
                .singleElement()
                .extracting(RuleSet.Jump::rule)
                .isEqualTo(List.of("-m", "addrtype", "--dst-type", "LOCAL", "-j", "BERTH"));
    }

    @Test
    void chainPrefixesFitIptablesLimit() {
        assertThat(new Chains("BERTH-t012").isolation1()).isEqualTo("BERTH-t012-ISOLATION-STAGE-1");
        assertThatThrownBy(() -> new Chains("BERTH-TOO-LONG-X")).hasMessageContaining("invalid iptables chain prefix");
        assertThatThrownBy(() -> new Chains("A B")).hasMessageContaining("invalid iptables chain prefix");
    }
}
