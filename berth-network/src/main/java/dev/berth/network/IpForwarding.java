package dev.berth.network;

import dev.berth.core.error.BerthException;
import dev.berth.network.firewall.Firewall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code --ip-forward}: the kernel routes IPv4 between interfaces, so containers reach beyond their bridge. */
final class IpForwarding {
    private static final Logger LOG = LoggerFactory.getLogger(IpForwarding.class);
    private static final Path SYSCTL = Path.of("/proc/sys/net/ipv4/ip_forward");

    private IpForwarding() {}

    /** Turns forwarding on if it is off; then, as dockerd, the FORWARD policy becomes DROP. */
    static void enable(Firewall firewall) {
        try {
            if (Files.readString(SYSCTL).trim().equals("1")) {
                return;
            }
            Files.writeString(SYSCTL, "1\n");
            LOG.info("turned IPv4 forwarding on; the FORWARD chain's policy is now DROP");
            firewall.dropForwardedByDefault();
        } catch (IOException e) {
            throw BerthException.unavailable("cannot turn IPv4 forwarding on (%s): %s", SYSCTL, e.getMessage());
        }
    }
}
