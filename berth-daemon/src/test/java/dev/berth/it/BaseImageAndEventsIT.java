package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.Busybox;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The offline base image made by the berth CLI, and the image events the daemon streams. */
class BaseImageAndEventsIT {
    private static BerthDaemon daemon;

    @BeforeAll
    static void start() {
        daemon = BerthDaemon.start();
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void bootstrapMakesTheSameBusyboxImageEveryTime() {
        daemon.bootstrapBusybox();
        String first = daemon.docker("image", "inspect", "--format", "{{.Id}}", "busybox")
                .ok()
                .strip();
        daemon.docker("rmi", "busybox").ok();
        daemon.bootstrapBusybox();

        assertThat(daemon.docker("image", "inspect", "--format", "{{.Id}}", "busybox:latest")
                        .ok()
                        .strip())
                .isEqualTo(first);
        assertThat(daemon.docker(
                                "image",
                                "inspect",
                                "--format",
                                "{{json .Config.Cmd}} {{.Os}}/{{.Architecture}} {{len .RootFS.Layers}}",
                                "docker.io/library/busybox:latest")
                        .ok()
                        .strip())
                .isEqualTo("[\"sh\"] linux/amd64 1");
        assertThat(daemon.berth("images", "--format", "{{.Repository}}:{{.Tag}}")
                        .ok()
                        .lines())
                .contains("busybox:latest");
    }

    @Test
    void imageChangesAreStreamedAsEvents() {
        long since = System.currentTimeMillis() / 1000 - 1;
        Path rootfs = Busybox.importTar(daemon.scratch(), "events", Map.of());
        String id = daemon.docker("import", rootfs.toString(), "events:1").ok().strip();
        daemon.docker("tag", "events:1", "events:2").ok();
        daemon.docker("rmi", "events:2").ok();
        daemon.docker("rmi", "events:1").ok();
        long until = System.currentTimeMillis() / 1000 + 1;

        String events = daemon.docker(
                        "events",
                        "--since",
                        Long.toString(since),
                        "--until",
                        Long.toString(until),
                        "--filter",
                        "type=image",
                        "--format",
                        "{{.Type}} {{.Action}} {{.Actor.ID}}")
                .ok();

        assertThat(events.lines())
                .containsSubsequence(
                        "image import " + id,
                        "image tag " + id,
                        "image untag " + id,
                        "image untag " + id,
                        "image delete " + id);
    }
}
