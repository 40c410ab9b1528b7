package dev.berth.it;

import dev.berth.testing.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * docker-py as a real client: Debian's python3-docker (5.0.3), run by /usr/bin/python3 against a
 * daemon. A script gets {@code client} (a {@code docker.DockerClient}), {@code api} (its
 * {@code APIClient}) and the {@code docker} module; what it prints is what the test asserts on.
 */
public final class DockerPy {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String VERSION = "5.0.3";
    private static final String PRELUDE = """
            import docker, sys
            client = docker.DockerClient(base_url=sys.argv[1], version='auto', timeout=120)
            api = client.api
            """;

    private DockerPy() {}

    /** Fails (or skips, outside CI) when /usr/bin/python3 has no docker-py 5.0.3. */
    public static void require() {
        boolean present = Files.isExecutable(PYTHON)
                && Commands.run(
                                List.of(PYTHON.toString(), "-c", "import docker; print(docker.__version__)"),
                                Map.of(),
                                null)
                        .stdout()
                        .strip()
                        .equals(VERSION);
        Prerequisites.require(present, "docker-py " + VERSION + " (apt-get install python3-docker)");
    }

    /** Runs {@code script} after the prelude against {@code daemon}. */
    public static CommandResult run(BerthDaemon daemon, String script) {
        return Commands.run(List.of(PYTHON.toString(), "-c", PRELUDE + script, daemon.host()), Map.of(), null);
    }
}
