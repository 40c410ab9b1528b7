package dev.berth.network;

import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/** The network ITs need root (netlink, namespaces, iptables): skipped without it, failed under CI=true. */
public final class RootPrerequisite {
    private RootPrerequisite() {}

    public static void require() {
        if ("root".equals(System.getProperty("user.name"))) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("prerequisite missing: running as root");
        }
        Assumptions.abort("prerequisite missing: running as root");
    }
}
