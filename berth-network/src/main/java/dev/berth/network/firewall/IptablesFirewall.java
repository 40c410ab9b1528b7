package dev.berth.network.firewall;

import dev.berth.core.error.BerthException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's iptables(8), as dockerd uses it: chains of the daemon's own, one jump into each from
 * the built-in chains, and every change loaded whole by one {@code iptables-restore --noflush}
 * (atomic per table; about 20 ms however many rules). The user chain is made once and never
 * emptied by the daemon; the others belong to it alone.
 */
public final class IptablesFirewall implements Firewall {
    private static final Logger LOG = LoggerFactory.getLogger(IptablesFirewall.class);

    private final RuleSet rules;
    private final Chains chains;

    /** @param hairpin the userland proxy is off (see {@link RuleSet}) */
    public IptablesFirewall(Chains chains, boolean hairpin) {
        this.chains = chains;
        this.rules = new RuleSet(chains, hairpin);
    }

    @Override
    public synchronized void install() {
        if (run(List.of("iptables", "-w", "-t", "filter", "-n", "-L", chains.user()), false) != 0) {
            run(List.of("iptables", "-w", "-t", "filter", "-N", chains.user()), true);
            run(List.of("iptables", "-w", "-t", "filter", "-A", chains.user(), "-j", "RETURN"), true);
        }
        apply(List.of(), List.of()); // the chains exist before anything jumps to them
        for (RuleSet.Jump jump : rules.jumps()) {
            if (run(command(jump, "-C"), false) != 0) {
                List<String> add = new ArrayList<>(List.of("iptables", "-w", "-t", jump.table()));
                add.addAll(jump.first() ? List.of("-I", jump.chain(), "1") : List.of("-A", jump.chain()));
                add.addAll(jump.rule());
                run(add, true);
            }
        }
    }

    @Override
    public synchronized void apply(List<BridgeRules> networks, List<PortRule> ports) {
        restore(rules.render(networks, ports));
    }

    @Override
    public synchronized void uninstall() {
        for (RuleSet.Jump jump : rules.jumps()) {
            while (run(command(jump, "-D"), false) == 0) {
                // a daemon killed between -C and -I of an earlier start may have added a jump twice
            }
        }
        for (String table : List.of("filter", "nat")) {
            List<String> ours = table.equals("filter")
                    ? List.of(chains.forward(), chains.ports(), chains.isolation1(), chains.isolation2())
                    : List.of(chains.ports(), chains.postrouting());
            for (String chain : ours) {
                run(List.of("iptables", "-w", "-t", table, "-F", chain), false);
            }
            for (String chain : ours) {
                run(List.of("iptables", "-w", "-t", table, "-X", chain), false);
            }
        }
        if (userChainIsUntouched()) {
            run(List.of("iptables", "-w", "-t", "filter", "-F", chains.user()), false);
            run(List.of("iptables", "-w", "-t", "filter", "-X", chains.user()), false);
        } else {
            LOG.info("keeping iptables chain {}: it holds rules of the user's", chains.user());
        }
    }

    @Override
    public synchronized void dropForwardedByDefault() {
        run(List.of("iptables", "-w", "-t", "filter", "-P", "FORWARD", "DROP"), true);
    }

    /** The user chain holds nothing but the RETURN the daemon put there. */
    private boolean userChainIsUntouched() {
        String listing = output(List.of("iptables", "-w", "-t", "filter", "-S", chains.user()));
        return listing.strip().equals("-N " + chains.user() + "\n-A " + chains.user() + " -j RETURN");
    }

    private static List<String> command(RuleSet.Jump jump, String action) {
        List<String> c = new ArrayList<>(List.of("iptables", "-w", "-t", jump.table(), action, jump.chain()));
        c.addAll(jump.rule());
        return c;
    }

    private static void restore(String input) {
        Result r = exec(List.of("iptables-restore", "-w", "--noflush"), input);
        if (r.code() != 0) {
            throw BerthException.internal(
                    "iptables-restore failed (exit " + r.code() + "): "
                            + r.output().strip() + "\ninput:\n" + input,
                    null);
        }
    }

    /** Runs an iptables command; returns its exit code, or throws when {@code mustSucceed} and it failed. */
    private static int run(List<String> command, boolean mustSucceed) {
        Result r = exec(command, null);
        if (r.code() != 0 && mustSucceed) {
            throw BerthException.internal(
                    String.join(" ", command) + " failed (exit " + r.code() + "): "
                            + r.output().strip(),
                    null);
        }
        return r.code();
    }

    private static String output(List<String> command) {
        return exec(command, null).output();
    }

    private record Result(int code, String output) {}

    private static Result exec(List<String> command, String input) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (input != null) {
                p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw BerthException.unavailable("%s did not finish within 30 s", command.getFirst());
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw BerthException.unavailable("cannot run %s: %s", command.getFirst(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BerthException.unavailable("interrupted while running %s", command.getFirst());
        }
    }
}
