package dev.berth.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Save/load interoperability with real Docker (Debian's dockerd 20.10, started here on a private
 * root with the vfs driver and no networking): a tar saved by Berth loads into dockerd with the
 * same image ID, and one saved by dockerd (the older {@code <id>/layer.tar} layout) loads into
 * Berth with the same ID and tags.
 */
class DockerdInteropIT {
    private static BerthDaemon berth;
    private static Process dockerd;
    private static Path dockerDir;

    @BeforeAll
    static void start() throws Exception {
        Path binary = Prerequisites.findOnPath("dockerd");
        Prerequisites.require(binary == null ? List.of("dockerd (apt-get install docker.io)") : List.of());
        berth = BerthDaemon.start();
        dockerDir = Files.createTempDirectory("berth-dockerd-");
        dockerd = new ProcessBuilder(binary.toString(), "--data-root", dockerDir.resolve("data").toString(),
                "--exec-root", dockerDir.resolve("exec").toString(), "-H", dockerHost(),
                "--pidfile", dockerDir.resolve("pid").toString(), "--bridge=none", "--iptables=false",
                "--ip-masq=false", "--storage-driver=vfs")
                .redirectErrorStream(true).redirectOutput(dockerDir.resolve("dockerd.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (docker("version").exitCode() != 0) {
            if (System.nanoTime() > deadline || !dockerd.isAlive()) {
                throw new AssertionError("dockerd did not start:\n" + Files.readString(dockerDir.resolve("dockerd.log")));
            }
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (dockerd != null) {
            dockerd.destroy();
            if (!dockerd.waitFor(30, TimeUnit.SECONDS)) {
                dockerd.destroyForcibly().waitFor();
            }
            Mounts.detachAllUnder(dockerDir);
            Commands.run(List.of("rm", "-rf", dockerDir.toString()), Map.of(), null);
        }
        if (berth != null) {
            berth.close();
        }
    }

    private static String dockerHost() {
        return "unix://" + dockerDir.resolve("docker.sock");
    }

    private static CommandResult docker(String... args) {
        List<String> command = new ArrayList<>(List.of("docker", "-H", dockerHost()));
        command.addAll(List.of(args));
        return Commands.run(command, Map.of("DOCKER_CONFIG", dockerDir.resolve("config").toString()), null);
    }

    @Test
    void berthSavesWhatDockerLoadsAndDockerSavesWhatBerthLoadsWithTheSameIds() throws IOException {
        berth.bootstrapBusybox();
        String id = berth.docker("image", "inspect", "--format", "{{.Id}}", "busybox").ok().strip();
        Path fromBerth = berth.scratch().resolve("from-berth.tar");
        berth.docker("save", "-o", fromBerth.toString(), "busybox").ok();

        assertThat(docker("load", "-i", fromBerth.toString()).ok()).contains("Loaded image: busybox:latest");
        assertThat(docker("image", "inspect", "--format", "{{.Id}}", "busybox").ok().strip()).isEqualTo(id);

        docker("tag", "busybox", "fromdocker:2").ok();
        Path fromDocker = berth.scratch().resolve("from-docker.tar");
        docker("save", "-o", fromDocker.toString(), "fromdocker:2", "busybox:latest").ok();
        berth.docker("rmi", "busybox").ok();
        assertThat(berth.docker("images", "-a", "-q").ok()).isBlank();

        assertThat(berth.docker("load", "-i", fromDocker.toString()).ok())
                .contains("Loaded image: fromdocker:2", "Loaded image: busybox:latest");
        assertThat(berth.docker("images", "--no-trunc", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}").ok().lines().sorted().toList())
                .containsExactly("busybox:latest " + id, "fromdocker:2 " + id);
    }
}
