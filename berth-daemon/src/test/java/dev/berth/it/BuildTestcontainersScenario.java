package dev.berth.it;

import java.nio.file.Files;
import java.nio.file.Path;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * What a Testcontainers user does to build an image, run in its own JVM by
 * {@link BuildTestcontainersIT} against a Berth daemon: {@link ImageFromDockerfile} with a
 * Dockerfile written by its builder DSL, and one from files. Prints "SCENARIO OK" when both images
 * built and ran as asked.
 */
public final class BuildTestcontainersScenario {
    private BuildTestcontainersScenario() {}

    public static void main(String[] args) throws Exception {
        Path scratch = Path.of(args[0]);
        ImageFromDockerfile fromDsl = new ImageFromDockerfile("tc-dsl", false)
                .withFileFromString("greeting.txt", "hello from a string\n")
                .withDockerfileFromBuilder(b -> b.from("busybox")
                        .copy("greeting.txt", "/greeting.txt")
                        .run("echo built-by-dsl > /marker")
                        .cmd("sh", "-c", "cat /greeting.txt /marker; sleep 300")
                        .build());
        try (GenericContainer<?> c = new GenericContainer<>(fromDsl)) {
            c.start();
            String out = c.execInContainer("cat", "/greeting.txt", "/marker").getStdout();
            check(out.equals("hello from a string\nbuilt-by-dsl\n"), "dsl image files: " + out);
        }

        Path dir = Files.createDirectories(scratch.resolve("tc-files"));
        Files.writeString(
                dir.resolve("Dockerfile"),
                "FROM busybox\nARG WHAT=files\nCOPY app.sh /app.sh\n"
                        + "RUN chmod +x /app.sh && echo \"from $WHAT\" > /what\nCMD [\"/app.sh\"]\n");
        Files.writeString(dir.resolve("app.sh"), "#!/bin/sh\ncat /what\nsleep 300\n");
        ImageFromDockerfile fromFiles = new ImageFromDockerfile("tc-files", false)
                .withFileFromPath(".", dir)
                .withBuildArg("WHAT", "a directory");
        try (GenericContainer<?> c = new GenericContainer<>(fromFiles)) {
            c.start();
            String out = c.execInContainer("cat", "/what").getStdout();
            check(out.equals("from a directory\n"), "files image: " + out);
        }
        System.out.println("SCENARIO OK");
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("failed: " + what);
        }
    }
}
