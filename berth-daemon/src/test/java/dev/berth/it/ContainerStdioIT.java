package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.Prerequisites;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A container's stdio through the docker CLI: every byte both ways, under every runtime. */
class ContainerStdioIT {
    private static BerthDaemon daemon;

    @BeforeAll
    static void startDaemon() {
        Prerequisites.requirePrograms("runc", "crun");
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

    /** One below, at and one above every power of two from 64 KiB to 64 MiB. */
    static Stream<Integer> sizesAroundPowersOfTwo() {
        return IntStream.rangeClosed(16, 26).boxed().flatMap(p -> Stream.of((1 << p) - 1, 1 << p, (1 << p) + 1));
    }

    /**
     * {@code docker run -i} with stdin from a file: the process reads every byte and the client
     * gets every byte it writes before the exit code. At exactly 1 MiB, 1 MiB + 1 and 2 MiB, sha256sum's
     * digest once never came (exit 0, nothing printed), and cat's output was cut short.
     */
    @ParameterizedTest
    @MethodSource("sizesAroundPowersOfTwo")
    void pipedStdinReachesTheProcessAndItsOutputTheClient(int size) throws Exception {
        assertPipedThrough("berth", size);
    }

    /** The same through runc and crun, around the sizes that failed. */
    @ParameterizedTest
    @ValueSource(strings = {"runc", "crun"})
    void pipedStdinUnderOtherRuntimes(String runtime) throws Exception {
        for (int size : List.of((1 << 20) - 1, 1 << 20, (1 << 20) + 1, 2 << 20)) {
            assertPipedThrough(runtime, size);
        }
    }

    private static void assertPipedThrough(String runtime, int size) throws Exception {
        Path input = daemon.scratch().resolve("stdin-" + size);
        String digest = writeRandom(input, size);
        String run = "docker run --rm -i --runtime " + runtime + " busybox ";
        assertThat(shell(input, run + "sha256sum"))
                .as("sha256sum of %d bytes under %s", size, runtime)
                .isEqualTo(digest + "  -\n");
        assertThat(shell(input, run + "cat | sha256sum"))
                .as("cat of %d bytes under %s", size, runtime)
                .isEqualTo(digest + "  -\n");
        Files.delete(input);
    }

    /** Writes {@code size} random bytes; returns their SHA-256 in hex. */
    private static String writeRandom(Path file, int size) throws IOException {
        MessageDigest sha = sha256();
        Random random = new Random(size);
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int left = size; left > 0; left -= block.length) {
                random.nextBytes(block);
                int n = Math.min(left, block.length);
                out.write(block, 0, n);
                sha.update(block, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** A shell line with the docker CLI on this daemon, stdin from {@code input}; a failed stage fails it. */
    private static String shell(Path input, String line) {
        return Commands.run(
                        List.of("bash", "-c", "set -o pipefail; " + line),
                        Map.of(
                                "DOCKER_HOST",
                                daemon.host(),
                                "DOCKER_CONFIG",
                                daemon.scratch().resolve("docker-config").toString()),
                        input)
                .ok();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
