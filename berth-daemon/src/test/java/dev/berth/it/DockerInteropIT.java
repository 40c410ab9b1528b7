package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.Busybox;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Image tars move between Berth and real Docker (Debian's dockerd 20.10) with the same image ID. */
class DockerInteropIT {
    private static BerthDaemon berth;
    private static Dockerd dockerd;

    @BeforeAll
    static void start() {
        berth = BerthDaemon.start();
        dockerd = Dockerd.start();
    }

    @AfterAll
    static void stop() {
        if (dockerd != null) {
            dockerd.close();
        }
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void tarSavedByBerthLoadsIntoDockerWithTheSameId() {
        Path rootfs = Busybox.importTar(berth.scratch(), "to-docker", Map.of("/etc/origin", "berth\n"));
        String id = berth.docker(
                        "import", "-c", "CMD [\"sh\"]", "-c", "ENV ORIGIN=berth", rootfs.toString(), "to-docker:1")
                .ok()
                .strip();
        Path tar = berth.scratch().resolve("from-berth.tar");
        berth.docker("save", "-o", tar.toString(), "to-docker:1").ok();

        assertThat(dockerd.docker("load", "-i", tar.toString()).ok()).contains("Loaded image: to-docker:1");
        assertThat(dockerd.docker("image", "inspect", "--format", "{{.Id}} {{json .Config.Cmd}}", "to-docker:1")
                        .ok()
                        .strip())
                .isEqualTo(id + " [\"sh\"]");
    }

    @Test
    void tarSavedByDockerLoadsIntoBerthWithTheSameId() {
        Path rootfs = Busybox.importTar(berth.scratch(), "from-docker", Map.of("/etc/origin", "docker\n"));
        String id = dockerd.docker("import", "-c", "CMD [\"sh\"]", rootfs.toString(), "from-docker:1")
                .ok()
                .strip();
        dockerd.docker("tag", "from-docker:1", "from-docker:2").ok();
        Path tar = berth.scratch().resolve("from-docker.tar");
        dockerd.docker("save", "-o", tar.toString(), "from-docker:1", "from-docker:2")
                .ok();

        assertThat(berth.docker("load", "-i", tar.toString()).ok())
                .contains("Loaded image: from-docker:1", "Loaded image: from-docker:2");
        assertThat(berth.docker("image", "inspect", "--format", "{{.Id}}", "from-docker:2")
                        .ok()
                        .strip())
                .isEqualTo(id);
        assertThat(berth.docker("history", "-q", "--no-trunc", "from-docker:1")
                        .ok()
                        .lines()
                        .findFirst()
                        .orElseThrow())
                .isEqualTo(id);
    }
}
