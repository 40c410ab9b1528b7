package dev.berth.engine.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.digest.Digest;
import dev.berth.core.error.BerthException;
import dev.berth.core.image.Descriptor;
import dev.berth.core.image.Index;
import dev.berth.core.image.MediaTypes;
import dev.berth.core.image.Platform;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlatformChoiceTest {
    private static Descriptor entry(String name, String mediaType, String os, String arch, String variant) {
        return Descriptor.of(mediaType, Digest.sha256(name.getBytes(StandardCharsets.UTF_8)), 100)
                .withPlatform(new Platform(arch, os, null, null, variant));
    }

    private static final Descriptor ARM7 = entry("arm7", MediaTypes.OCI_MANIFEST, "linux", "arm", "v7");
    private static final Descriptor ARM64 = entry("arm64", MediaTypes.OCI_MANIFEST, "linux", "arm64", "v8");
    private static final Descriptor AMD64_V3 = entry("amd64v3", MediaTypes.OCI_MANIFEST, "linux", "amd64", "v3");
    private static final Descriptor AMD64 = entry("amd64", MediaTypes.OCI_MANIFEST, "linux", "amd64", null);
    private static final Descriptor ATTESTATION = entry("att", MediaTypes.OCI_MANIFEST, "unknown", "unknown", null);
    private static final Index INDEX = Index.oci(List.of(ATTESTATION, ARM7, ARM64, AMD64_V3, AMD64));

    @Test
    void choosesLinuxAmd64ByDefault() {
        assertThat(PlatformChoice.choose(INDEX, PlatformChoice.parse(null))).isEqualTo(AMD64);
    }

    @Test
    void choosesAskedPlatformWithDefaultVariants() {
        assertThat(PlatformChoice.choose(INDEX, PlatformChoice.parse("linux/arm64")))
                .isEqualTo(ARM64);
        assertThat(PlatformChoice.choose(INDEX, PlatformChoice.parse("linux/arm64/v8")))
                .isEqualTo(ARM64);
        assertThat(PlatformChoice.choose(INDEX, PlatformChoice.parse("linux/arm")))
                .isEqualTo(ARM7);
        assertThat(PlatformChoice.choose(INDEX, PlatformChoice.parse("linux/amd64/v3")))
                .isEqualTo(AMD64_V3);
    }

    @Test
    void acceptsGoArchitectureAliases() {
        assertThat(PlatformChoice.choose(INDEX, PlatformChoice.parse("linux/x86_64")))
                .isEqualTo(AMD64);
        assertThat(PlatformChoice.choose(INDEX, PlatformChoice.parse("linux/aarch64")))
                .isEqualTo(ARM64);
    }

    @Test
    void missingPlatformIsNotFoundWithDockersMessage() {
        assertThatThrownBy(() -> PlatformChoice.choose(INDEX, PlatformChoice.parse("linux/s390x")))
                .isInstanceOf(BerthException.class)
                .hasMessage("no matching manifest for linux/s390x in the manifest list entries");
    }

    @Test
    void neverChoosesAttestationEntries() {
        Index onlyAttestation = Index.oci(List.of(ATTESTATION));
        assertThatThrownBy(() ->
                        PlatformChoice.choose(onlyAttestation, new Platform("unknown", "linux", null, null, null)))
                .isInstanceOf(BerthException.class);
    }

    @Test
    void refusesMalformedPlatforms() {
        assertThatThrownBy(() -> PlatformChoice.parse("linux//amd64")).isInstanceOf(BerthException.class);
        assertThatThrownBy(() -> PlatformChoice.parse("windows/amd64"))
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("not supported");
    }
}
