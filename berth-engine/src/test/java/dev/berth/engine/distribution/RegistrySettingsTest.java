package dev.berth.engine.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistrySettingsTest {
    @Test
    void loopbackIsInsecureByDefaultAsInDocker() {
        RegistrySettings s = RegistrySettings.DEFAULTS;
        assertThat(s.isInsecure("127.0.0.1:5000")).isTrue();
        assertThat(s.isInsecure("127.3.4.5")).isTrue();
        assertThat(s.isInsecure("localhost:5000")).isTrue();
        assertThat(s.isInsecure("[::1]:5000")).isTrue();
        assertThat(s.isInsecure("registry.example:5000")).isFalse();
        assertThat(s.isInsecure("10.1.2.3:5000")).isFalse();
    }

    @Test
    void listedHostsPortsAndCidrsAreInsecure() {
        RegistrySettings s = RegistrySettings.of(
                List.of(),
                List.of("registry.example", "other.example:5000", "http://10.0.0.0/8", "192.168.1.0/24"),
                3,
                5);
        assertThat(s.isInsecure("registry.example:443")).isTrue();
        assertThat(s.isInsecure("other.example:5000")).isTrue();
        assertThat(s.isInsecure("other.example:6000")).isFalse();
        assertThat(s.isInsecure("10.200.0.1:5000")).isTrue();
        assertThat(s.isInsecure("192.168.1.77")).isTrue();
        assertThat(s.isInsecure("192.168.2.77")).isFalse();
    }

    @Test
    void mirrorsComeBeforeDockerHubForPullsOnly() {
        RegistryClient client =
                new RegistryClient(RegistrySettings.of(List.of("https://mirror.example/"), List.of(), 3, 5));
        assertThat(client.candidates("docker.io", false))
                .extracting(RegistryClient.Candidate::base)
                .containsExactly(URI.create("https://mirror.example"), URI.create("https://registry-1.docker.io"));
        assertThat(client.candidates("docker.io", true))
                .extracting(RegistryClient.Candidate::base)
                .containsExactly(URI.create("https://registry-1.docker.io"));
        assertThat(client.candidates("127.0.0.1:5000", false))
                .extracting(RegistryClient.Candidate::base)
                .containsExactly(URI.create("https://127.0.0.1:5000"), URI.create("http://127.0.0.1:5000"));
    }

    @Test
    void refusesMirrorsThatAreNotHttpUrls() {
        assertThatThrownBy(() -> RegistrySettings.of(List.of("mirror.example"), List.of(), 3, 5))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("mirror");
        assertThatThrownBy(() -> RegistrySettings.of(List.of(), List.of(), 0, 5))
                .isInstanceOf(BerthException.class);
    }

    @Test
    void loginAddressesNameTheirRegistry() {
        assertThat(LoginService.domainOf(null)).isEqualTo("docker.io");
        assertThat(LoginService.domainOf("https://index.docker.io/v1/")).isEqualTo("docker.io");
        assertThat(LoginService.domainOf("127.0.0.1:5000")).isEqualTo("127.0.0.1:5000");
        assertThat(LoginService.domainOf("http://127.0.0.1:5000/v2/")).isEqualTo("127.0.0.1:5000");
    }
}
