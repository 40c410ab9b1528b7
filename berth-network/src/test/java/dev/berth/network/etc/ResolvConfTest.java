package dev.berth.network.etc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResolvConfTest {
    private static final String HOST = """
            # from the DHCP client
            search corp.example
            nameserver 127.0.0.53
            nameserver 10.255.255.53
            nameserver fd00::53
            options edns0 trust-ad
            """;

    @Test
    void defaultBridgeGetsTheHostsFileWithoutLoopbackOrIpv6Servers() {
        ResolvConf.Result r = ResolvConf.forContainer(HOST, List.of(), List.of(), List.of(), false);
        assertThat(r.content()).isEqualTo("""
                        # from the DHCP client
                        search corp.example
                        nameserver 10.255.255.53
                        options edns0 trust-ad
                        """);
        assertThat(r.upstream()).isEmpty();
    }

    @Test
    void onlyLoopbackServersBecomeGooglesAsInDocker() {
        String r = ResolvConf.forContainer("nameserver 127.0.0.53\n", List.of(), List.of(), List.of(), false)
                .content();
        assertThat(r).isEqualTo("\nnameserver 8.8.8.8\nnameserver 8.8.4.4");
    }

    @Test
    void userSettingsReplaceTheHostsPartByPart() {
        String r = ResolvConf.forContainer(HOST, List.of("1.1.1.1"), List.of(), List.of("ndots:2"), false)
                .content();
        assertThat(r).isEqualTo("search corp.example\nnameserver 1.1.1.1\noptions ndots:2\n");
        assertThat(ResolvConf.forContainer(HOST, List.of(), List.of("."), List.of(), false)
                        .content())
                .as("--dns-search . means no search line")
                .isEqualTo(
                        "nameserver 127.0.0.53\nnameserver 10.255.255.53\nnameserver fd00::53\noptions edns0 trust-ad\n");
    }

    @Test
    void userDefinedNetworksAskTheEmbeddedServerWhichForwardsToTheHostsServers() {
        ResolvConf.Result r = ResolvConf.forContainer(HOST, List.of(), List.of(), List.of(), true);
        assertThat(r.content())
                .isEqualTo("search corp.example\nnameserver 127.0.0.11\noptions edns0 trust-ad ndots:0\n");
        assertThat(r.upstream())
                .as("the host's loopback resolver too: it is asked from the host")
                .containsExactly("127.0.0.53", "10.255.255.53");
    }

    @Test
    void embeddedServerForwardsToDnsGivenByTheUser() {
        ResolvConf.Result r =
                ResolvConf.forContainer(HOST, List.of("9.9.9.9", "2001:db8::1"), List.of("a.b"), List.of(), true);
        assertThat(r.content())
                .isEqualTo(
                        "search a.b\nnameserver 127.0.0.11\nnameserver 2001:db8::1\noptions edns0 trust-ad ndots:0\n");
        assertThat(r.upstream()).containsExactly("9.9.9.9");
    }
}
