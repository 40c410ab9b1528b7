package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.Busybox;
import dev.berth.testing.Layers;
import dev.berth.testing.TestImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An image whose layer chain is too long for overlay's absolute lowerdir list (one page of mount
 * data): the snapshotter gives short relative {@code l/} names, and a container from the image
 * must still start and see its lowest and highest layers.
 */
class LongLayerChainIT {
    /** Bytes of mount data overlay accepts (one page, less its NUL). */
    private static final int MOUNT_DATA_LIMIT = 4095;

    private static final int LAYERS = 48;

    private static BerthDaemon daemon;

    @BeforeAll
    static void startDaemonAndLoadImage() throws IOException {
        daemon = BerthDaemon.start();
        Path work = daemon.scratch();
        // the image holds /bin/busybox and /bin/sh only: other commands run as applets through sh -c
        TestImage.Builder image = TestImage.builder()
                .layer(Busybox.importTar(work, "base", Map.of("/lowest.txt", "from the lowest layer\n")))
                .tags("long-chain:latest");
        for (int i = 1; i < LAYERS - 1; i++) {
            image.layer(Layers.of("layers/" + i + ".txt", "layer " + i + "\n"));
        }
        image.layer(Layers.of("highest.txt", "from the highest layer\n"));
        Path archive = image.build().writeDockerSave(work.resolve("long.tar"));
        CommandResult load = daemon.docker("load", "-i", archive.toString());
        assertThat(load.exitCode()).as(load.toString()).isZero();
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void containerOfAChainTooLongForAbsoluteLowerdirsSeesItsLowestAndHighestLayer() {
        // each absolute lowerdir is <data-root>/snapshots/<64 hex>/fs: the precondition of this test
        int absoluteLength =
                LAYERS * (daemon.dataRoot().resolve("snapshots").toString().length() + 1 + 64 + 4);
        assertThat(absoluteLength).isGreaterThan(MOUNT_DATA_LIMIT);

        CommandResult r = daemon.docker(
                "run",
                "--rm",
                "long-chain",
                "sh",
                "-c",
                "cat /lowest.txt /layers/1.txt /layers/" + (LAYERS - 2) + ".txt /highest.txt; ls /layers | wc -l");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout())
                .isEqualTo("from the lowest layer\nlayer 1\nlayer " + (LAYERS - 2) + "\nfrom the highest layer\n"
                        + (LAYERS - 2) + "\n");
    }

    @Test
    void writesOfAContainerOnALongChainStayInItsOwnLayer() {
        String id = daemon.docker("run", "-d", "long-chain", "sh", "-c", "sleep 60")
                .ok()
                .trim();
        try {
            daemon.docker("exec", id, "sh", "-c", "echo changed > /lowest.txt").ok();
            assertThat(daemon.docker("exec", id, "sh", "-c", "cat /lowest.txt").ok())
                    .isEqualTo("changed\n");
            assertThat(daemon.docker("run", "--rm", "long-chain", "sh", "-c", "cat /lowest.txt")
                            .ok())
                    .isEqualTo("from the lowest layer\n");
        } finally {
            daemon.docker("rm", "-f", id);
        }
    }
}
