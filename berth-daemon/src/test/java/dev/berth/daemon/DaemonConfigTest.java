package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorKind;
import dev.berth.engine.container.HostSettings;
import dev.berth.engine.container.LogDrivers;
import dev.berth.network.NetworkConfig;
import dev.berth.network.ipam.AddressPool;
import dev.berth.network.ipam.Ipv4;
import dev.berth.network.ipam.Subnet;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** berth daemon's settings from flags and daemon.json, as dockerd reads its own. */
class DaemonConfigTest {
    @TempDir
    Path dir;

    private DaemonConfig withFile(String json, String... flags) throws IOException {
        Path file = Files.writeString(dir.resolve("daemon.json"), json);
        List<String> args = new ArrayList<>(List.of("--config-file", file.toString()));
        args.addAll(List.of(flags));
        return DaemonConfig.parse(args.toArray(String[]::new));
    }

    @Test
    void theFileGivesTheSettingsUnderDockerdsKeys() throws IOException {
        DaemonConfig config = withFile("""
                {"data-root": "/srv/berth", "exec-root": "/run/b", "hosts": ["unix:///run/b/b.sock", "tcp://127.0.0.1:2376"],
                 "log-level": "debug", "insecure-registries": ["reg.local:5000"],
                 "registry-mirrors": ["https://mirror.local/"], "max-concurrent-downloads": 7,
                 "max-concurrent-uploads": 2, "default-runtime": "runc"}
                """);
        assertThat(config.dataRoot()).isEqualTo(Path.of("/srv/berth"));
        assertThat(config.execRoot()).isEqualTo(Path.of("/run/b"));
        assertThat(config.hosts())
                .containsExactly(URI.create("unix:///run/b/b.sock"), URI.create("tcp://127.0.0.1:2376"));
        assertThat(config.logLevel()).isEqualTo("debug");
        assertThat(config.registries().insecureRegistries()).containsExactly("reg.local:5000");
        assertThat(config.registries().mirrors()).containsExactly(URI.create("https://mirror.local"));
        assertThat(config.registries().maxConcurrentDownloads()).isEqualTo(7);
        assertThat(config.registries().maxConcurrentUploads()).isEqualTo(2);
        assertThat(config.defaultRuntime()).isEqualTo("runc");
    }

    @Test
    void theDefaultLogDriverAndItsOptionsComeFromFlagsOrTheFile() throws IOException {
        assertThat(withFile("{}").logConfig()).isEqualTo(new HostSettings.LogConfig("json-file", java.util.Map.of()));
        assertThat(withFile("{}", "--log-driver", "local", "--log-opt", "max-size=1m", "--log-opt", "max-file=3")
                        .logConfig())
                .isEqualTo(new HostSettings.LogConfig("local", java.util.Map.of("max-size", "1m", "max-file", "3")))
                .satisfies(LogDrivers::new);
        assertThat(withFile("{\"log-driver\": \"none\", \"log-opts\": {}}")
                        .logConfig()
                        .type())
                .isEqualTo("none");
        assertThatThrownBy(() ->
                        new LogDrivers(withFile("{\"log-driver\": \"asdf\"}").logConfig()))
                .hasMessage("error looking up logging plugin asdf: plugin \"asdf\" not found");
    }

    @Test
    void networkSettingsUnderDockerdsKeysAndFlags() throws IOException {
        NetworkConfig file = withFile("""
                {"bridge": "br0", "bip": "10.50.0.1/24", "iptables": false, "ip-forward": false, "icc": false,
                 "userland-proxy": false, "ip-masq": false, "mtu": 1400, "host-gateway-ip": "10.50.0.1",
                 "default-address-pools": [{"base": "10.60.0.0/16", "size": 24}]}
                """).network();
        assertThat(file.bridge()).isEqualTo("br0");
        assertThat(file.bip()).isEqualTo(Subnet.parse("10.50.0.1/24"));
        assertThat(file.iptables()).isFalse();
        assertThat(file.ipForward()).isFalse();
        assertThat(file.icc()).isFalse();
        assertThat(file.userlandProxy()).isFalse();
        assertThat(file.ipMasq()).isFalse();
        assertThat(file.mtu()).isEqualTo(1400);
        assertThat(file.hostGatewayIp()).isEqualTo(Ipv4.parse("10.50.0.1"));
        assertThat(file.pools()).containsExactly(AddressPool.parse("base=10.60.0.0/16,size=24"));

        NetworkConfig flags = withFile(
                        "{}",
                        "--default-address-pool",
                        "base=10.70.0.0/16,size=24",
                        "--default-address-pool",
                        "base=10.71.0.0/16,size=20",
                        "--iptables=false",
                        "--iptables-chain-prefix",
                        "BT1",
                        "--userland-proxy=false")
                .network();
        assertThat(flags.pools()).hasSize(2);
        assertThat(flags.iptables()).isFalse();
        assertThat(flags.userlandProxy()).isFalse();
        assertThat(flags.chains().prefix()).isEqualTo("BT1");
        assertThat(withFile("{}").network()).isEqualTo(NetworkConfig.defaults());
    }

    @Test
    void aBadBipStopsTheStartNamingIt() {
        assertThatThrownBy(() -> withFile("{}", "--bip", "10.50.0.1/33").network())
                .hasMessage("invalid CIDR address: 10.50.0.1/33");
    }

    @Test
    void flagsAndFileTogetherGiveEachTheirOwnSettings() throws IOException {
        DaemonConfig config = withFile("{\"exec-root\": \"/run/b\"}", "--data-root", "/srv/berth");
        assertThat(config.dataRoot()).isEqualTo(Path.of("/srv/berth"));
        assertThat(config.execRoot()).isEqualTo(Path.of("/run/b"));
        assertThat(config.hosts()).containsExactly(DaemonConfig.DEFAULT_HOST);
    }

    @Test
    void aSettingGivenAsFlagAndInTheFileStopsTheStartAsDockerd() {
        Path file = dir.resolve("daemon.json");
        assertThatThrownBy(() -> withFile(
                        "{\"hosts\": [\"tcp://127.0.0.1:2376\"], \"data-root\": \"/srv/b\"}",
                        "-H",
                        "unix:///run/x.sock",
                        "-H",
                        "unix:///run/y.sock"))
                .isInstanceOf(BerthException.class)
                .hasMessage(
                        "unable to configure the Berth daemon with file " + file
                                + ": the following directives are specified both as a flag and in the configuration file: "
                                + "hosts: (from flag: [unix:///run/x.sock unix:///run/y.sock], from file: [tcp://127.0.0.1:2376])");
        assertThatThrownBy(() -> withFile("{\"tlsverify\": true}", "--tlsverify=false"))
                .hasMessageEndingWith("tlsverify: (from flag: false, from file: true)");
    }

    @Test
    void aKeyThatNamesNoSettingIsRefused() {
        assertThatThrownBy(() -> withFile("{\"data-rot\": \"/srv/b\", \"config-file\": \"/x\", \"debug\": true}"))
                .isInstanceOf(BerthException.class)
                .extracting(e -> ((BerthException) e).kind(), e -> e.getMessage())
                .containsExactly(
                        ErrorKind.INVALID_ARGUMENT,
                        "unable to configure the Berth daemon with file " + dir.resolve("daemon.json")
                                + ": the following directives don't match any configuration option: "
                                + "config-file, data-rot, debug");
    }

    @Test
    void aValueOfTheWrongTypeOrBrokenJsonIsRefusedNamingTheFile() {
        assertThatThrownBy(() -> withFile("{\"hosts\": \"tcp://127.0.0.1:2376\"}"))
                .hasMessageStartingWith(
                        "unable to configure the Berth daemon with file " + dir.resolve("daemon.json") + ": hosts: ");
        assertThatThrownBy(() -> withFile("{\"hosts\": [\"tcp://127.0.0.1:2376\"]"))
                .hasMessageStartingWith("unable to configure the Berth daemon with file " + dir.resolve("daemon.json"));
        assertThatThrownBy(() -> withFile("[]")).hasMessageEndingWith(": it holds no JSON object");
    }

    @Test
    void aMissingFileIsAnErrorOnlyWhenNamed() {
        Path missing = dir.resolve("none.json");
        assertThatThrownBy(() -> DaemonConfig.parse("--config-file", missing.toString()))
                .hasMessage("unable to configure the Berth daemon with file " + missing + ": it does not exist");
        DaemonCommand command = new DaemonCommand();
        picocli.CommandLine.ParseResult flags = new picocli.CommandLine(command).parseArgs("--data-root", "/srv/b");
        command.config.configFile = missing; // stands for the default path on a machine without the file
        command.config.readFile(flags);
        assertThat(command.config.dataRoot()).isEqualTo(Path.of("/srv/b"));
    }
}
