package dev.berth.engine.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.digest.Digest;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LeasesTest {
    private final Leases leases = new Leases();
    private final Digest blob = Digest.sha256(new byte[] {1});

    @Test
    void aRemovalRunsAtOnceWhenNothingLeasesTheDigest() {
        AtomicInteger removals = new AtomicInteger();
        leases.removeUnlessLeased(blob, removals::incrementAndGet);
        assertThat(removals).hasValue(1);
    }

    @Test
    void aRemovalALeaseHeldOffRunsWhenTheLastLeaseOfTheDigestEnds() {
        AtomicInteger removals = new AtomicInteger();
        Leases.Lease first = leases.acquire(List.of(blob));
        Leases.Lease second = leases.acquire(List.of(blob, blob));

        leases.removeUnlessLeased(blob, removals::incrementAndGet);
        assertThat(removals).hasValue(0);
        first.close();
        assertThat(removals).hasValue(0);
        second.close();
        assertThat(removals).hasValue(1);
        assertThat(leases.isLeased(blob)).isFalse();

        second.close();
        assertThat(removals).as("a removal runs once").hasValue(1);
    }
}
