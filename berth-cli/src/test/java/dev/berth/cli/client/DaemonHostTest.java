package dev.berth.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.tls.TlsFiles;
import dev.berth.core.error.BerthException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DaemonHostTest {
    @Test
    void theFlagWinsOverDockerHostWhichWinsOverTheDefault() {
        Map<String, String> env = Map.of("DOCKER_HOST", "unix:///tmp/env.sock");
        assertThat(DaemonHost.resolve("unix:///tmp/flag.sock", env).socket()).isEqualTo(Path.of("/tmp/flag.sock"));
        assertThat(DaemonHost.resolve(null, env).socket()).isEqualTo(Path.of("/tmp/env.sock"));
        assertThat(DaemonHost.resolve(null, Map.of()).uri()).isEqualTo("unix:///run/berth/berth.sock");
        assertThat(DaemonHost.resolve("", Map.of("DOCKER_HOST", "")).uri()).isEqualTo(DaemonHost.DEFAULT);
    }

    @Test
    void tcpAddressesGetDockersDefaultPort() {
        DaemonHost host = DaemonHost.parse("tcp://127.0.0.1");
        assertThat(host.host()).isEqualTo("127.0.0.1");
        assertThat(host.port()).isEqualTo(2375);
        assertThat(DaemonHost.parse("tcp://localhost:12345/").uri()).isEqualTo("tcp://localhost:12345");
        assertThat(DaemonHost.parse("tcp://[::1]:80").host()).isEqualTo("::1");
    }

    @Test
    void otherSchemesAndRelativeSocketsAreRejected() {
        assertThatThrownBy(() -> DaemonHost.parse("ssh://host"))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("use unix:///path/to.sock or tcp://host:port");
        assertThatThrownBy(() -> DaemonHost.parse("unix://relative.sock")).hasMessageContaining("absolute socket path");
    }

    @Test
    void tlsAppliesToTcpOnlyAndMakesTheDefaultPort2376() {
        TlsFiles tls = new TlsFiles(false, Path.of("/nonexistent/ca.pem"), null, null);
        DaemonHost tcp = DaemonHost.resolve("tcp://127.0.0.1", tls, Map.of());
        assertThat(tcp.port()).isEqualTo(2376);
        assertThat(tcp.tls()).isNotNull();
        assertThat(tcp.verify()).isFalse();
        assertThat(DaemonHost.resolve("tcp://127.0.0.1:9999", tls, Map.of()).port())
                .isEqualTo(9999);
        DaemonHost unix = DaemonHost.resolve(null, tls, Map.of("DOCKER_HOST", "unix:///tmp/d.sock"));
        assertThat(unix.tls()).isNull();
    }

    @Test
    void tlsverifyWithoutItsCaFailsNamingTheFile() {
        TlsFiles tls = TlsFiles.forClient(false, true, null, null, null, Map.of("DOCKER_CERT_PATH", "/nonexistent"));
        assertThatThrownBy(() -> DaemonHost.resolve("tcp://127.0.0.1:2376", tls, Map.of()))
                .hasMessage("TLS CA certificate /nonexistent/ca.pem does not exist");
    }
}
