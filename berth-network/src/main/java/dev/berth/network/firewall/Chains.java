package dev.berth.network.firewall;

import dev.berth.core.error.BerthException;

/**
 * The names of one daemon's chains, all under one prefix ({@code BERTH} by default) so that
 * daemons side by side, and dockerd's DOCKER chains, never share one. Layout as dockerd's:
 * {@code PREFIX} (published ports, in filter and nat), {@code PREFIX-USER} (for the user's own
 * rules, consulted first), {@code PREFIX-ISOLATION-STAGE-1/2}, plus {@code PREFIX-FORWARD} and
 * {@code PREFIX-POSTROUTING}, which hold what dockerd writes into the built-in chains: Berth only
 * adds one jump to each built-in chain.
 */
public record Chains(String prefix) {
    /** iptables' limit on a chain name (XT_EXTENSION_MAXNAMELEN 29, less the NUL). */
    private static final int MAX_NAME = 28;

    public Chains {
        if (!prefix.matches("[A-Za-z0-9][A-Za-z0-9_-]*") || (prefix + "-ISOLATION-STAGE-1").length() > MAX_NAME) {
            throw BerthException.invalid(
                    "invalid iptables chain prefix %s: letters, digits, - and _, at most %d characters",
                    prefix, MAX_NAME - "-ISOLATION-STAGE-1".length());
        }
    }

    public String ports() {
        return prefix;
    }

    public String user() {
        return prefix + "-USER";
    }

    public String forward() {
        return prefix + "-FORWARD";
    }

    public String isolation1() {
        return prefix + "-ISOLATION-STAGE-1";
    }

    public String isolation2() {
        return prefix + "-ISOLATION-STAGE-2";
    }

    public String postrouting() {
        return prefix + "-POSTROUTING";
    }
}
