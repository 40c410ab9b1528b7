package dev.berth.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The network settings that keep one test daemon apart from every other daemon on the machine
 * (other tests' and engineers', dockerd's, the host's): its own default bridge name, iptables
 * chain prefix, address pool (a 10.X.0.0/16 that no route of the host uses, claimed by a file so
 * that daemons started at the same moment never pick the same one) and host resolv.conf (one
 * loopback nameserver of its own, so that the embedded DNS server never forwards to the machine's
 * resolver). Forwarding is left off, so that no test changes the host's ip_forward or FORWARD
 * policy. {@link #removeLeftovers} removes whatever the daemon left, e.g. after a SIGKILL.
 */
public final class TestNetwork implements AutoCloseable {
    private static final Path CLAIMS = Path.of(System.getProperty("java.io.tmpdir"));

    private final String tag;
    private final int second;
    private final Path claim;
    private final Path resolvConf;
    private final String nameserver;

    private TestNetwork(String tag, int second, Path claim, Path resolvConf, String nameserver) {
        this.tag = tag;
        this.second = second;
        this.claim = claim;
        this.resolvConf = resolvConf;
        this.nameserver = nameserver;
    }

    static TestNetwork claim(Path dir) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String tag = HexFormat.of().toHexDigits(random.nextInt()).substring(0, 6);
        String routes = Commands.run(List.of("ip", "-4", "route", "show", "table", "all"), java.util.Map.of(), null)
                .stdout();
        for (int attempt = 0; attempt < 200; attempt++) {
            int second = random.nextInt(128, 251);
            if (routes.contains("10." + second + ".")) {
                continue;
            }
            Path claim = CLAIMS.resolve("berth-it-net-10." + second + ".claim");
            try {
                Files.writeString(
                        claim,
                        ProcessHandle.current().pid() + "\n",
                        java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String nameserver =
                    "127." + random.nextInt(1, 255) + "." + random.nextInt(1, 255) + "." + random.nextInt(1, 255);
            Path resolv = dir.resolve("host-resolv.conf");
            try {
                Files.writeString(resolv, "nameserver " + nameserver + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new TestNetwork(tag, second, claim, resolv, nameserver);
        }
        throw new IllegalStateException("no free 10.X.0.0/16 for a test daemon");
    }

    /** The daemon's flags. */
    List<String> args() {
        return List.of(
                "--bridge",
                bridge(),
                "--iptables-chain-prefix",
                chainPrefix(),
                "--default-address-pool",
                "base=" + pool() + ",size=24",
                "--resolv-conf",
                resolvConf.toString(),
                // the tests' traffic stays on the host (loopback, bridges, the userland proxy): the
                // host's forwarding and FORWARD policy are left as they are
                "--ip-forward=false");
    }

    public String bridge() {
        return "bt" + tag;
    }

    public String chainPrefix() {
        return "BT" + tag;
    }

    /** The daemon's address pool, 10.X.0.0/16. */
    public String pool() {
        return "10." + second + ".0.0/16";
    }

    /** The loopback address the host resolv.conf of the daemon names: a test's fake resolver listens there. */
    public String nameserver() {
        return nameserver;
    }

    /** What the daemon left of its own: bridges (its default one and any in its pool) and chains. */
    public List<String> leftovers() {
        List<String> found = new ArrayList<>();
        String links = Commands.run(List.of("ip", "-o", "-4", "addr"), java.util.Map.of(), null)
                .stdout();
        for (String line : links.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 3 && (f[1].equals(bridge()) || f[3].startsWith("10." + second + "."))) {
                found.add("interface " + f[1]);
            }
        }
        if (Commands.run(List.of("ip", "link", "show", bridge()), java.util.Map.of(), null)
                                .exitCode()
                        == 0
                && !found.contains("interface " + bridge())) {
            found.add("interface " + bridge());
        }
        String rules =
                Commands.run(List.of("iptables-save"), java.util.Map.of(), null).stdout();
        for (String line : rules.lines().toList()) {
            if (line.contains(chainPrefix())) {
                found.add("iptables " + line);
            }
        }
        return found;
    }

    /** Removes what {@link #leftovers} finds (a daemon killed and not restarted cannot). */
    public void removeLeftovers() {
        for (String item : leftovers()) {
            if (item.startsWith("interface ")) {
                Commands.run(List.of("ip", "link", "delete", item.substring(10)), java.util.Map.of(), null);
            }
        }
        String rules =
                Commands.run(List.of("iptables-save"), java.util.Map.of(), null).stdout();
        String table = "filter";
        List<String[]> jumps = new ArrayList<>();
        List<String[]> chains = new ArrayList<>();
        for (String line : rules.lines().toList()) {
            if (line.startsWith("*")) {
                table = line.substring(1);
            } else if (line.startsWith("-A ")
                    && line.contains("-j " + chainPrefix())
                    && !line.split(" ")[1].startsWith(chainPrefix())) {
                jumps.add(new String[] {table, line.substring(3)});
            } else if (line.startsWith(":" + chainPrefix())) {
                chains.add(new String[] {table, line.substring(1, line.indexOf(' '))});
            }
        }
        for (String[] j : jumps) {
            List<String> command = new ArrayList<>(List.of("iptables", "-w", "-t", j[0], "-D"));
            command.addAll(List.of(j[1].split(" ")));
            Commands.run(command, java.util.Map.of(), null);
        }
        for (String[] c : chains) {
            Commands.run(List.of("iptables", "-w", "-t", c[0], "-F", c[1]), java.util.Map.of(), null);
        }
        for (String[] c : chains) {
            Commands.run(List.of("iptables", "-w", "-t", c[0], "-X", c[1]), java.util.Map.of(), null);
        }
    }

    @Override
    public void close() {
        removeLeftovers();
        try {
            Files.deleteIfExists(claim);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
