package dev.berth.network.firewall;

import java.util.List;

/**
 * The rules of a daemon's chains as iptables-restore input, shaped as dockerd 20.10 writes them
 * for its bridge driver (libnetwork drivers/bridge/setup_ip_tables.go, port mapping in
 * iptables.go), so that a Docker user reading iptables-save finds what they know, under the
 * daemon's own chain names.
 *
 * @param hairpin the userland proxy is off ({@code --userland-proxy=false}): published ports are
 *                DNATed from the bridges and from the host's loopback too
 */
record RuleSet(Chains chains, boolean hairpin) {

    /** The jumps from the built-in chains into the daemon's: {table, chain, rule…}. */
    List<Jump> jumps() {
        List<String> output = hairpin
                ? List.of("-m", "addrtype", "--dst-type", "LOCAL", "-j", chains.ports())
                : List.of("!", "-d", "127.0.0.0/8", "-m", "addrtype", "--dst-type", "LOCAL", "-j", chains.ports());
        return List.of(
                new Jump("filter", "FORWARD", true, List.of("-j", chains.forward())),
                new Jump(
                        "nat",
                        "PREROUTING",
                        false,
                        List.of("-m", "addrtype", "--dst-type", "LOCAL", "-j", chains.ports())),
                new Jump("nat", "OUTPUT", false, output),
                new Jump("nat", "POSTROUTING", false, List.of("-j", chains.postrouting())));
    }

    /**
     * One jump into a daemon chain. {@code first}: inserted at the top (the FORWARD jump, so that a
     * DROP policy or an earlier DROP rule does not hide the daemon's ACCEPTs), else appended.
     */
    record Jump(String table, String chain, boolean first, List<String> rule) {}

    /** iptables-restore --noflush input: declaring a chain empties it, so each is replaced whole. */
    String render(List<BridgeRules> networks, List<PortRule> ports) {
        StringBuilder filter = new StringBuilder("*filter\n");
        for (String chain : List.of(chains.forward(), chains.ports(), chains.isolation1(), chains.isolation2())) {
            filter.append(':').append(chain).append(" - [0:0]\n");
        }
        rule(filter, chains.forward(), "-j", chains.user());
        rule(filter, chains.forward(), "-j", chains.isolation1());
        for (BridgeRules n : networks) {
            String br = n.bridge();
            rule(filter, chains.forward(), "-o", br, "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
            rule(filter, chains.forward(), "-o", br, "-j", chains.ports());
            if (!n.internal()) {
                rule(filter, chains.forward(), "-i", br, "! -o", br, "-j ACCEPT");
            }
            rule(filter, chains.forward(), "-i", br, "-o", br, "-j", n.icc() ? "ACCEPT" : "DROP");
        }
        for (PortRule p : ports) {
            rule(
                    filter,
                    chains.ports(),
                    "-d",
                    p.containerIp() + "/32",
                    "! -i",
                    p.bridge(),
                    "-o",
                    p.bridge(),
                    "-p",
                    p.protocol(),
                    "-m",
                    p.protocol(),
                    "--dport",
                    Integer.toString(p.containerPort()),
                    "-j ACCEPT");
        }
        for (BridgeRules n : networks) {
            if (n.internal()) {
                rule(filter, chains.isolation1(), "! -s", n.subnet().toString(), "-o", n.bridge(), "-j DROP");
                rule(filter, chains.isolation1(), "! -d", n.subnet().toString(), "-i", n.bridge(), "-j DROP");
            } else {
                rule(filter, chains.isolation1(), "-i", n.bridge(), "! -o", n.bridge(), "-j", chains.isolation2());
                rule(filter, chains.isolation2(), "-o", n.bridge(), "-j DROP");
            }
        }
        rule(filter, chains.isolation1(), "-j RETURN");
        rule(filter, chains.isolation2(), "-j RETURN");
        filter.append("COMMIT\n");

        StringBuilder nat = new StringBuilder("*nat\n");
        nat.append(':').append(chains.ports()).append(" - [0:0]\n");
        nat.append(':').append(chains.postrouting()).append(" - [0:0]\n");
        for (BridgeRules n : networks) {
            if (n.masquerade() && !n.internal()) {
                rule(nat, chains.postrouting(), "-s", n.subnet().toString(), "! -o", n.bridge(), "-j MASQUERADE");
            }
            if (hairpin) {
                // the host's own 127.0.0.1 reaches containers through route_localnet: answers must come back
                rule(nat, chains.postrouting(), "-o", n.bridge(), "-m addrtype --src-type LOCAL -j MASQUERADE");
            } else {
                rule(nat, chains.ports(), "-i", n.bridge(), "-j RETURN");
            }
        }
        for (PortRule p : ports) {
            String to = p.containerIp() + "/32";
            rule(
                    nat,
                    chains.postrouting(),
                    "-s",
                    to,
                    "-d",
                    to,
                    "-p",
                    p.protocol(),
                    "-m",
                    p.protocol(),
                    "--dport",
                    Integer.toString(p.containerPort()),
                    "-j MASQUERADE");
        }
        for (PortRule p : ports) {
            StringBuilder r = new StringBuilder();
            if (p.hostIp() != null) {
                r.append("-d ").append(p.hostIp()).append("/32 ");
            }
            if (!hairpin) {
                r.append("! -i ").append(p.bridge()).append(' ');
            }
            r.append("-p ").append(p.protocol()).append(" -m ").append(p.protocol());
            r.append(" --dport ").append(p.hostPort());
            r.append(" -j DNAT --to-destination ")
                    .append(p.containerIp())
                    .append(':')
                    .append(p.containerPort());
            rule(nat, chains.ports(), r.toString());
        }
        nat.append("COMMIT\n");
        return filter.append(nat).toString();
    }

    private static void rule(StringBuilder out, String chain, String... parts) {
        out.append("-A ").append(chain);
        for (String p : parts) {
            out.append(' ').append(p);
        }
        out.append('\n');
    }
}
