package dev.berth.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class InterfaceCountersTest {
    @Test
    void readsEveryInterfaceButLoopbackFromProcNetDev() {
        var counters = InterfaceCounters.parse(
                List.of(
                        "Inter-|   Receive                                                |  Transmit",
                        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed",
                        "    lo:     100       2    0    0    0     0          0         0      100       2    0    0    0     0       0          0",
                        "  eth0:    1296      16    1    2    0     0          0         0      936      12    3    4    0     0       0          0"));
        assertThat(counters).containsOnlyKeys("eth0");
        assertThat(counters.get("eth0")).isEqualTo(new InterfaceCounters(1296, 16, 1, 2, 936, 12, 3, 4));
    }
}
