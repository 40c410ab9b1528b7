package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Log drivers through the docker CLI, on a daemon whose default is {@code --log-driver local
 * --log-opt max-size=1m}: json-file's rotation and Docker's file format, local, none, and options
 * refused as dockerd refuses them.
 */
class LogDriversIT {
    private static BerthDaemon daemon;

    @BeforeAll
    static void startDaemon() {
        daemon = BerthDaemon.start("--log-driver", "local", "--log-opt", "max-size=1m");
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

    private static List<String> files(String id, String dir) throws IOException {
        try (Stream<Path> files =
                Files.list(daemon.dataRoot().resolve("containers").resolve(id).resolve(dir))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.contains(".log"))
                    .sorted()
                    .toList();
        }
    }

    /** 52 MB in 52429 numbered lines of 997 bytes. */
    private static final String FIFTY_MB =
            "awk 'BEGIN { pad = sprintf(\"%990s\", \"\"); for (i = 0; i < 52429; i++) printf \"%06d%s\\n\", i, pad }'";

    @Test
    void jsonFileRotationKeepsAtMostMaxFileFilesAndLogsReadsAcrossThem() throws IOException {
        String id = docker(
                        "run",
                        "-d",
                        "--log-driver",
                        "json-file",
                        "--log-opt",
                        "max-size=1m",
                        "--log-opt",
                        "max-file=3",
                        "busybox",
                        "sh",
                        "-c",
                        FIFTY_MB)
                .ok()
                .strip();
        assertThat(docker("wait", id).ok().strip()).isEqualTo("0");

        assertThat(files(id, ".")).containsExactly(id + "-json.log", id + "-json.log.1", id + "-json.log.2");
        String first = Files.readAllLines(daemon.dataRoot().resolve("containers/" + id + "/" + id + "-json.log"))
                .getFirst();
        assertThat(first).matches("\\{\"log\":\"\\d{6} {990}\\\\n\",\"stream\":\"stdout\",\"time\":\"[0-9T:.-]+Z\"}");

        List<String> tail = docker("logs", "--tail", "10", id).ok().lines().toList();
        assertThat(tail).hasSize(10);
        assertThat(tail.getFirst()).startsWith("052419");
        assertThat(tail.getLast()).startsWith("052428");
        // all that is kept: three files of at most 1 MiB, from the oldest rotated one on
        List<String> all = docker("logs", id).ok().lines().toList();
        assertThat(all.size()).isBetween(1950, 2950);
        assertThat(all.getLast()).startsWith("052428");
        docker("rm", id).ok();
    }

    @Test
    void theDaemonsDefaultDriverIsLocalWithItsOptions() throws IOException {
        assertThat(docker("info", "--format", "{{.LoggingDriver}}").ok().strip())
                .isEqualTo("local");
        String id = docker("run", "-d", "busybox", "sh", "-c", "echo out; echo err >&2")
                .ok()
                .strip();
        docker("wait", id).ok();
        assertThat(docker("inspect", "-f", "{{.HostConfig.LogConfig.Type}} {{.HostConfig.LogConfig.Config}}", id)
                        .ok()
                        .strip())
                .isEqualTo("local map[max-size:1m]");
        CommandResult logs = docker("logs", id);
        assertThat(logs.stdout()).isEqualTo("out\n");
        assertThat(logs.stderr()).isEqualTo("err\n");
        assertThat(files(id, "local-logs")).containsExactly("container.log");
        docker("rm", id).ok();
    }

    @Test
    void theNoneDriverKeepsNothingAndLogsSaysSo() {
        CommandResult run = docker("run", "--name", "no-log", "--log-driver", "none", "busybox", "echo", "hi");
        assertThat(run.stdout()).isEqualTo("hi\n");
        CommandResult logs = docker("logs", "no-log");
        assertThat(logs.exitCode()).isEqualTo(1);
        assertThat(logs.stderr()).contains("configured logging driver does not support reading");
        docker("rm", "no-log").ok();
    }

    @Test
    void unknownDriversAndOptionsAreRefusedAsDockerdRefusesThem() {
        assertThat(docker("create", "--log-driver", "asdf", "busybox").stderr())
                .contains("error looking up logging plugin asdf: plugin \"asdf\" not found");
        assertThat(docker("create", "--log-opt", "foo=1", "busybox").stderr())
                .contains("unknown log opt 'foo' for local log driver");
        assertThat(docker("create", "--log-driver", "json-file", "--log-opt", "max-size=abc", "busybox")
                        .stderr())
                .contains("invalid size: 'abc'");
        assertThat(docker("create", "--log-driver", "json-file", "--log-opt", "max-file=0", "busybox")
                        .stderr())
                .contains("max-file cannot be less than 1");
        assertThat(docker("ps", "-aq").ok()).isEmpty();
    }
}
