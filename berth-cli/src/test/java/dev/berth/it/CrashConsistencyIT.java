package dev.berth.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A daemon killed with SIGKILL in the middle of writing restarts clean (shared/DESIGN.md, consistency rules). */
class CrashConsistencyIT {
    private BerthDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void daemonKilledDuringLoadRestartsWithNoHalfImageAndLoadsAgain() throws Exception {
        daemon = BerthDaemon.start();
        Path scratch = daemon.scratch();
        Path layerDir = Files.createDirectories(scratch.resolve("big"));
        TestImages.randomFile(layerDir.resolve("payload.bin"), 256L << 20);
        Path rootfs = scratch.resolve("big.tar");
        Commands.run(List.of("tar", "-C", layerDir.toString(), "-cf", rootfs.toString(), "."), Map.of(), null).ok();
        String id = daemon.docker("import", rootfs.toString(), "big:1").ok().strip();
        Path saved = scratch.resolve("saved.tar");
        daemon.docker("save", "-o", saved.toString(), "big:1").ok();
        daemon.docker("rmi", "big:1").ok();
        assertThat(leftovers()).isEmpty();

        CompletableFuture<CommandResult> load = CompletableFuture.supplyAsync(() -> daemon.docker("load", "-i", saved.toString()));
        awaitWritesInProgress();
        daemon.kill();
        assertThat(load.get(60, TimeUnit.SECONDS).exitCode()).isNotZero();

        daemon.restart();
        assertThat(daemon.docker("images", "-q").ok()).isBlank();
        assertThat(leftovers()).isEmpty();
        assertThat(Mounts.under(daemon.dataRoot())).isEmpty();

        assertThat(daemon.docker("load", "-i", saved.toString()).ok()).contains("Loaded image: big:1");
        assertThat(daemon.docker("image", "inspect", "--format", "{{.Id}}", "big:1").ok().strip()).isEqualTo(id);
    }

    /** Waits until the load has started writing (a partial ingest or a snapshot being prepared). */
    private void awaitWritesInProgress() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!entries(daemon.dataRoot().resolve("content/ingest")).isEmpty()
                    || entries(daemon.dataRoot().resolve("snapshots")).stream().anyMatch(name -> !name.equals("l"))) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the load never started writing");
    }

    /** Blobs, ingests and snapshots on disk: with no image, there must be none. */
    private List<String> leftovers() {
        return Stream.of("content/blobs/sha256", "content/ingest", "snapshots", "snapshots/l")
                .flatMap(dir -> entries(daemon.dataRoot().resolve(dir)).stream()
                        .filter(name -> !(dir.equals("snapshots") && name.equals("l")))
                        .map(name -> dir + "/" + name))
                .toList();
    }

    private static List<String> entries(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(path -> path.getFileName().toString()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
