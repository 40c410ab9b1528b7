package dev.berth.network.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.network.ipam.Ipv4;
import dev.berth.network.ipam.Subnet;
import dev.berth.testing.Prerequisites;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The daemon's chains in the host's real iptables: installed, replaced, and gone without a trace. */
class IptablesFirewallIT {
    private final String prefix = "BT"
            + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    private IptablesFirewall firewall;

    @BeforeEach
    void setUp() {
        Prerequisites.requireRoot();
        firewall = new IptablesFirewall(new Chains(prefix), false);
    }

    @AfterEach
    void tearDown() {
        if (firewall != null) {
            firewall.uninstall();
        }
    }

    @Test
    void rulesAreReplacedWholeAndUninstallLeavesNothing() throws Exception {
        firewall.install();
        firewall.install(); // a second start adds no second jump
        BridgeRules bridge = new BridgeRules(
                "bt" + prefix.substring(2).toLowerCase(), Subnet.parse("10.201.7.0/24"), true, true, false);
        firewall.apply(
                List.of(bridge),
                List.of(new PortRule("tcp", null, 18080, bridge.bridge(), Ipv4.parse("10.201.7.2"), 80)));
        String saved = iptablesSave();
        assertThat(saved)
                .contains("-A POSTROUTING -j " + prefix + "-POSTROUTING")
                .contains("-A " + prefix + "-POSTROUTING -s 10.201.7.0/24 ! -o " + bridge.bridge() + " -j MASQUERADE")
                .contains("--dport 18080 -j DNAT --to-destination 10.201.7.2:80");
        assertThat(count(saved, "-A FORWARD -j " + prefix + "-FORWARD")).isEqualTo(1);

        firewall.apply(List.of(bridge), List.of());
        assertThat(iptablesSave()).doesNotContain("--dport 18080").contains("MASQUERADE");

        firewall.uninstall();
        assertThat(iptablesSave()).doesNotContain(prefix);
    }

    @Test
    void rulesTheUserAddedKeepTheUserChain() throws Exception {
        firewall.install();
        exec("iptables", "-t", "filter", "-I", prefix + "-USER", "-s", "10.202.0.0/16", "-j", "DROP");
        firewall.uninstall();
        assertThat(iptablesSave()).contains(":" + prefix + "-USER").doesNotContain(prefix + "-FORWARD");
        exec("iptables", "-t", "filter", "-F", prefix + "-USER");
        exec("iptables", "-t", "filter", "-X", prefix + "-USER");
        assertThat(iptablesSave()).doesNotContain(prefix);
    }

    private static int count(String text, String line) {
        return (int) text.lines().filter(l -> l.equals(line)).count();
    }

    static String iptablesSave() throws IOException, InterruptedException {
        return exec("iptables-save");
    }

    private static String exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }
}
