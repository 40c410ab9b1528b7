package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** docker-py's network API (Debian's python3-docker, with /usr/bin/python3) against a Berth daemon. */
class DockerPyNetworkIT {
    @Test
    void dockerPyCreatesInspectsConnectsAndRemovesNetworks() throws Exception {
        DockerPy.require();
        String scenario;
        try (InputStream in = DockerPyNetworkIT.class.getResourceAsStream("/docker-py/network_scenario.py")) {
            scenario = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (BerthDaemon daemon = BerthDaemon.start()) {
            daemon.bootstrapBusybox();
            String pool = daemon.network().pool();
            String prefix = pool.substring(0, pool.indexOf(".0.0/"));
            CommandResult r = DockerPy.run(daemon, "prefix = '" + prefix + "'\n" + scenario);
            assertThat(r.stdout()).as(r.toString()).contains("DOCKERPY OK");
            assertThat(daemon.docker("ps", "-aq").ok()).isEmpty();
        }
    }
}
