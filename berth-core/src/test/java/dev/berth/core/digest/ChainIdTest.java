package dev.berth.core.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainIdTest {
    // rootfs.diff_ids of the example configuration in OCI image-spec config.md.
    private static final Digest A =
            Digest.parse("sha256:c6f988f4874bb0add23a778f753c65efe992244e148a1d2ec2a8b664fb66bbd1");
    private static final Digest B =
            Digest.parse("sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef");
    // Computed independently: printf '%s %s' "$A" "$B" | sha256sum
    private static final Digest A_B =
            Digest.parse("sha256:c3191d32a37d7159b2e30830937d2e30268ad6c375a773a8994911a3aba9b93f");
    // printf '%s %s' "$A_B" "$A" | sha256sum
    private static final Digest A_B_A =
            Digest.parse("sha256:ce60e381e7c2941cc3c11bc7a60b267bb56a3be80df231da8c523c53af72518b");

    @Test
    void baseLayerChainIdIsItsDiffId() {
        assertThat(ChainId.of(List.of(A))).isEqualTo(A);
    }

    @Test
    void chainIdOfTheSpecExample() {
        assertThat(ChainId.of(List.of(A, B))).isEqualTo(A_B);
    }

    @Test
    void chainIdDependsOnEveryLayerBelow() {
        assertThat(ChainId.of(List.of(A, B, A))).isEqualTo(A_B_A).isNotEqualTo(A);
        assertThat(ChainId.of(List.of(B, A))).isNotEqualTo(A_B);
    }

    @Test
    void chainListsEveryPrefix() {
        assertThat(ChainId.chain(List.of(A, B, A))).containsExactly(A, A_B, A_B_A);
        assertThat(ChainId.next(A_B, A)).isEqualTo(A_B_A);
    }

    @Test
    void emptyStackHasNoChainId() {
        assertThatThrownBy(() -> ChainId.of(List.of())).isInstanceOf(BerthException.class);
        assertThat(ChainId.chain(List.of())).isEmpty();
    }
}
