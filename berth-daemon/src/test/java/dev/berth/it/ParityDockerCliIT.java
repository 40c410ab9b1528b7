package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where the docker CLI found Berth unlike dockerd (issue 13): restarting with attach, swarm, prune
 * and disk usage.
 */
class ParityDockerCliIT {
    private static BerthDaemon daemon;

    @BeforeAll
    static void startDaemon() {
        daemon = BerthDaemon.start();
        daemon.bootstrapBusybox();
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.removeAllContainers();
            daemon.close();
        }
    }

    private static CommandResult docker(String... args) {
        return daemon.docker(args);
    }

    @Test
    void startAttachPrintsTheNextRunOfAnExitedContainer() {
        String script = "echo run; ls /marker 2>/dev/null && echo second; touch /marker; exit 4";
        CommandResult first = docker("run", "--name", "start-a", "busybox", "sh", "-c", script);
        assertThat(first.exitCode()).as(first.toString()).isEqualTo(4);
        assertThat(first.stdout()).isEqualTo("run\n");

        CommandResult again = docker("start", "-a", "start-a");
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(4);
        assertThat(again.stdout()).isEqualTo("run\n/marker\nsecond\n");
        docker("rm", "start-a").ok();
    }

    @Test
    void startAttachInteractiveFeedsStdinToTheNextRun() throws Exception {
        Path input = Files.writeString(daemon.scratch().resolve("start-ai.txt"), "typed\n");
        CommandResult first = daemon.dockerWithInput(input, "run", "-i", "--name", "start-ai", "busybox", "cat");
        assertThat(first.stdout()).as(first.toString()).isEqualTo("typed\n");

        Files.writeString(input, "typed again\n");
        CommandResult again = daemon.dockerWithInput(input, "start", "-ai", "start-ai");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.stdout()).isEqualTo("typed again\n");
        docker("rm", "start-ai").ok();
    }

    @Test
    void swarmCommandsSayTheNodeIsNotPartOfASwarm() {
        CommandResult leave = docker("swarm", "leave");
        assertThat(leave.exitCode()).isEqualTo(1);
        assertThat(leave.stderr()).contains("This node is not part of a swarm");
        CommandResult nodes = docker("node", "ls");
        assertThat(nodes.exitCode()).isEqualTo(1);
        assertThat(nodes.stderr()).contains("This node is not a swarm manager.");
    }

    @Test
    void containerPruneReportsTheSpaceOfTheLayersItRemoved() {
        docker("run", "--name", "prune-me", "busybox", "dd", "if=/dev/zero", "of=/blob", "bs=1M", "count=2")
                .ok();
        String out = docker("container", "prune", "-f").ok();
        assertThat(out).contains("Total reclaimed space: 2.0");
        assertThat(docker("ps", "-aq", "--filter", "name=prune-me").ok()).isEmpty();
    }

    @Test
    void systemDfVerboseListsContainersWithTheirSize() {
        docker("run", "--name", "df-sized", "busybox", "dd", "if=/dev/zero", "of=/blob", "bs=1k", "count=100")
                .ok();
        String df = docker("system", "df", "-v").ok();
        String containers = df.substring(df.indexOf("Containers space usage:"), df.indexOf("Local Volumes"));
        assertThat(containers).containsPattern("busybox\\s+\"dd if=/dev/zero .*\\s+0\\s+102kB\\s.*df-sized");
        docker("rm", "df-sized").ok();
    }
}
