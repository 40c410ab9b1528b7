package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.Layers;
import dev.berth.testing.TestImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A daemon SIGKILLed in the middle of {@code docker load} restarts clean: no half image, no
 * orphan snapshot or blob, and the next load of the same tar succeeds.
 */
class ImageLoadCrashIT {
    private BerthDaemon daemon;

    @BeforeEach
    void start() {
        daemon = BerthDaemon.start();
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private List<String> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Snapshot directories, leaving out overlay's short-link directory {@code l}. */
    private List<String> snapshots() throws IOException {
        return entries(daemon.dataRoot().resolve("snapshots")).stream()
                .filter(n -> !n.equals("l"))
                .toList();
    }

    @Test
    void aLoadKilledHalfWayLeavesNothingAndTheNextLoadSucceeds() throws Exception {
        Path scratch = daemon.scratch();
        List<Path> layers = new ArrayList<>();
        TestImage.Builder image = TestImage.builder().tags("big:1");
        for (int i = 0; i < 5; i++) {
            Path layer = Layers.randomFile(scratch.resolve("layer" + i + ".tar"), "layer" + i, 16L << 20);
            image.layer(layer);
            layers.add(layer);
        }
        Path tar = image.build().writeDockerSave(scratch.resolve("big.tar"));
        layers.forEach(l -> l.toFile().delete());

        Process load = new ProcessBuilder("docker", "-H", daemon.host(), "load", "-i", tar.toString())
                .redirectErrorStream(true)
                .redirectOutput(scratch.resolve("load.out").toFile())
                .start();
        Path blobs = daemon.dataRoot().resolve("content/blobs/sha256");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        // Kill once some layers are stored but before the load is done.
        while (entries(blobs).size() < 2 && load.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(load.isAlive())
                .as("load still running when the daemon is killed")
                .isTrue();
        daemon.kill();
        load.waitFor(30, TimeUnit.SECONDS);
        assertThat(entries(blobs))
                .as("the kill left blobs behind, as a crash does")
                .isNotEmpty();

        daemon.restart();

        assertThat(daemon.docker("images", "-a", "-q").ok()).isBlank();
        assertThat(entries(blobs)).isEmpty();
        assertThat(entries(daemon.dataRoot().resolve("content/ingest"))).isEmpty();
        assertThat(snapshots()).isEmpty();
        assertThat(daemon.logText()).contains("start-up check removed unreferenced");

        assertThat(daemon.docker("load", "-i", tar.toString()).ok()).contains("Loaded image: big:1");
        assertThat(daemon.docker("images", "--format", "{{.Repository}}:{{.Tag}}")
                        .ok()
                        .strip())
                .isEqualTo("big:1");
        assertThat(snapshots()).hasSize(5);

        daemon.restart();
        assertThat(daemon.docker("images", "--format", "{{.Repository}}:{{.Tag}}")
                        .ok()
                        .strip())
                .isEqualTo("big:1");
        assertThat(snapshots()).hasSize(5);
    }
}
