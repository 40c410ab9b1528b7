package dev.berth.core.reference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RegistryHostsTest {
    @Test
    void dockerHubIsServedByRegistry1() {
        ImageReference busybox = ImageReference.parse("busybox");
        assertThat(RegistryHosts.apiHost(busybox.domain())).isEqualTo("registry-1.docker.io");
        assertThat(RegistryHosts.authConfigKey(busybox.domain())).isEqualTo("https://index.docker.io/v1/");
    }

    @Test
    void otherRegistriesAreReachedAsWritten() {
        assertThat(RegistryHosts.apiHost("localhost:5000")).isEqualTo("localhost:5000");
        assertThat(RegistryHosts.authConfigKey("ghcr.io")).isEqualTo("ghcr.io");
    }

    @Test
    void loopbackRegistriesAreRecognisedWithoutDns() {
        assertThat(RegistryHosts.isLoopback("localhost:5000")).isTrue();
        assertThat(RegistryHosts.isLoopback("127.0.0.1:5000")).isTrue();
        assertThat(RegistryHosts.isLoopback("127.1.2.3")).isTrue();
        assertThat(RegistryHosts.isLoopback("[::1]:5000")).isTrue();
        assertThat(RegistryHosts.isLoopback("192.168.1.1:5000")).isFalse();
        assertThat(RegistryHosts.isLoopback("example.com")).isFalse();
        assertThat(RegistryHosts.isLoopback("docker.io")).isFalse();
    }

    @Test
    void portIsStrippedFromHosts() {
        assertThat(RegistryHosts.hostWithoutPort("[::1]:5000")).isEqualTo("[::1]");
        assertThat(RegistryHosts.hostWithoutPort("[::1]")).isEqualTo("[::1]");
        assertThat(RegistryHosts.hostWithoutPort("example.com:443")).isEqualTo("example.com");
    }
}
