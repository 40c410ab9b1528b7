package dev.berth.runtime.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecBuilderTest {

    @Test
    void defaultsAreDockers() {
        Spec spec = SpecBuilder.dockerDefaults().args("sh").build();

        assertThat(spec.process().capabilities().bounding())
                .containsExactlyInAnyOrderElementsOf(Caps.DOCKER_DEFAULT)
                .doesNotContain("CAP_SYS_ADMIN", "CAP_NET_ADMIN");
        assertThat(spec.mounts())
                .extracting(Mount::destination)
                .containsExactly("/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/mqueue", "/dev/shm");
        assertThat(spec.linux().maskedPaths()).contains("/proc/kcore", "/proc/keys", "/sys/firmware");
        assertThat(spec.linux().readonlyPaths()).contains("/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus");
        assertThat(spec.process().getenv("PATH")).isEqualTo(SpecBuilder.DEFAULT_PATH);
        assertThat(spec.linux().hasNamespace("network")).isTrue();
    }

    @Test
    void capAddAndDropFollowDocker() {
        assertThat(Caps.tweak(Caps.DOCKER_DEFAULT, List.of("sys_admin"), List.of("CAP_CHOWN", "net_raw")))
                .contains("CAP_SYS_ADMIN")
                .doesNotContain("CAP_CHOWN", "CAP_NET_RAW");
        assertThat(Caps.tweak(Caps.DOCKER_DEFAULT, List.of("KILL"), List.of("ALL")))
                .containsExactly("CAP_KILL");
        assertThat(Caps.tweak(Caps.DOCKER_DEFAULT, List.of("ALL"), List.of("SYS_ADMIN")))
                .hasSize(Caps.KNOWN.size() - 1)
                .doesNotContain("CAP_SYS_ADMIN");
        assertThatThrownBy(() -> Caps.tweak(Caps.DOCKER_DEFAULT, List.of("CAP_FLY"), List.of()))
                .isInstanceOf(BerthException.class)
                .hasMessage("unknown capability: CAP_FLY");
    }

    @Test
    void privilegedGrantsOnlyWhatTheDaemonHolds() {
        long held = 0x1fffeffffffL; // every capability but CAP_SYS_RESOURCE (24), as on these machines
        Spec spec =
                SpecBuilder.dockerDefaults().args("sh").privileged(true, held).build();

        assertThat(spec.process().capabilities().bounding())
                .contains("CAP_SYS_ADMIN")
                .doesNotContain("CAP_SYS_RESOURCE");
        assertThat(spec.linux().maskedPaths()).isEmpty();
        assertThat(Caps.mask(spec.process().capabilities().effective())).isEqualTo(held);
    }

    @Test
    void jsonRoundTripKeepsUnlimitedRlimits() {
        Spec spec = SpecBuilder.dockerDefaults()
                .args("sh", "-c", "true")
                .rlimit("RLIMIT_NOFILE", -1, -1)
                .memory(64L << 20)
                .pidsLimit(20)
                .cgroupsPath("/berth/x")
                .build();

        byte[] json = SpecJson.toBytes(spec);
        String text = new String(json, StandardCharsets.UTF_8);

        assertThat(text).contains("\"hard\" : 18446744073709551615").contains("\"ociVersion\" : \"1.0.2\"");
        Spec back = SpecJson.parse(json);
        assertThat(back).isEqualTo(spec);
        assertThat(back.linux().resources().memory().swap()).isEqualTo(128L << 20);
    }
}
