package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docker cp against a container that swaps a directory for a symlink to {@code /} in a loop while
 * the administrator copies (CVE-2018-15664): resolving the path first and using it after lets the
 * swap land between the two, and the copy then writes on, or reads from, the host. Every copy must
 * stay inside the container, both ways, whether the container runs (its own swap loop) or is
 * stopped (a second container swaps inside the volume they share).
 *
 * <p>{@code /w} is in turn a real directory holding {@code <host dir>/secret} and a link to
 * {@code /}; read on the host, {@code /w/<host dir>} is then the host's own directory.
 */
class ContainerCopyRaceIT {
    private static final int COPIES = 200;
    /**
     * W is a directory for 30 ms, then a link to / for 3 ms: long enough in place for a copy of the
     * payload's 40 entries to get through on a loaded machine (with 5 ms none did, and the test proved
     * nothing), short enough that a copy which resolves its path once and uses it after meets the
     * link in one of the COPIES tries.
     */
    private static final String SWAP =
            "while :; do rm -f $W; mv $W.dir $W; usleep 30000; mv $W $W.dir; ln -s / $W; usleep 3000; done";

    private static BerthDaemon daemon;
    private Path hostDir;
    private String inside; // the host directory's path without its leading "/"

    @BeforeAll
    static void startDaemon() {
        daemon = BerthDaemon.start();
        daemon.bootstrapBusybox();
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.removeAllContainers();
            daemon.docker("volume", "rm", "race");
            daemon.close();
        }
    }

    @BeforeEach
    void hostSide() throws IOException {
        hostDir = Files.createDirectories(daemon.scratch().resolve("host-side"));
        Files.writeString(hostDir.resolve("secret"), "host-only\n");
        inside = hostDir.toString().substring(1);
    }

    @AfterEach
    void cleanUp() {
        daemon.removeAllContainers();
        ServerProcess.removeDir(daemon.scratch());
    }

    private static CommandResult docker(String... args) {
        return daemon.docker(args);
    }

    /** The container side: W.dir/<host dir>/secret says "inside", and the swap loop runs on W. */
    private String swapper(String w) {
        return "W=" + w + "; mkdir -p $W.dir/" + inside + "; echo inside > $W.dir/" + inside + "/secret; " + SWAP;
    }

    /** A container whose {@code target} holds the swapping W: itself when running, else a stopped one sharing the volume. */
    private String target(String state) {
        if (state.equals("running")) {
            return docker("run", "-d", "busybox", "sh", "-c", swapper("/w"))
                    .ok()
                    .trim();
        }
        docker("run", "-d", "-v", "race:/vol", "busybox", "sh", "-c", swapper("/vol/w"))
                .ok();
        return docker("create", "-v", "race:/vol", "busybox", "true").ok().trim();
    }

    private static String w(String state) {
        return state.equals("running") ? "/w" : "/vol/w";
    }

    @ParameterizedTest
    @ValueSource(strings = {"running", "stopped"})
    void copyIntoTheContainerNeverWritesOnTheHost(String state) throws Exception {
        String id = target(state);
        Path payload = Files.createDirectories(daemon.scratch().resolve("payload"));
        for (int i = 0; i < 40; i++) { // many entries: a longer window between resolving and writing
            Files.writeString(payload.resolve("file-" + i), "payload\n");
        }
        Path copied = Files.createFile(daemon.scratch().resolve("copied"));
        copyLoop("docker cp " + payload + " " + id + ":" + w(state) + "/" + inside + "/ && echo >> " + copied);

        assertThat(Files.readAllLines(copied)).as("copies that got through").isNotEmpty();
        assertThat(hostDir.resolve("payload"))
                .as("written on the host through the swapped link")
                .doesNotExist();
        try (Stream<Path> files = Files.list(hostDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("secret");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"running", "stopped"})
    void copyOutOfTheContainerNeverReadsTheHost(String state) throws Exception {
        String id = target(state);
        Path out = Files.createDirectories(daemon.scratch().resolve("out"));
        Path seen = Files.createFile(daemon.scratch().resolve("seen"));
        copyLoop("rm -rf " + out + "/*; docker cp " + id + ":" + w(state) + "/" + inside + "/secret " + out
                + "/file && cat " + out + "/file >> " + out + "/../seen; docker cp " + id + ":" + w(state) + "/"
                + inside + " " + out + "/dir && cat " + out + "/dir/secret >> " + out + "/../seen");

        List<String> read = Files.readAllLines(seen);
        assertThat(read).as("copies that got through").isNotEmpty();
        assertThat(read).as("what the copies read").containsOnly("inside");
    }

    /** Runs {@code copy} COPIES times in one shell, with the daemon as DOCKER_HOST. */
    private void copyLoop(String copy) {
        Commands.run(
                List.of("sh", "-c", "for i in $(seq " + COPIES + "); do " + copy + " 2>/dev/null; done; true"),
                Map.of("DOCKER_HOST", daemon.host()),
                null);
    }
}
