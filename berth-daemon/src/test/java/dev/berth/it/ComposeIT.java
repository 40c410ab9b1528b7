package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Debian's docker-compose (1.29) drives Berth: a web server built from its Dockerfile, a client that
 * reaches it by service name, and a service with a named volume; up, ps, logs, exec, scale, down -v.
 */
class ComposeIT {
    private static final String COMPOSE = """
            version: "3.8"
            services:
              web:
                build: ./web
                ports: ["127.0.0.1::80"]
              client:
                image: busybox:latest
                command: sh -c "until wget -qO- http://web/ > /tmp/got; do sleep 0.2; done; cat /tmp/got; exec sleep 300"
                depends_on: [web]
              store:
                image: busybox:latest
                command: sh -c "echo kept > /data/file; exec sleep 300"
                volumes: ["data:/data"]
            volumes:
              data:
            """;

    /** The web service's image, built by docker-compose (its RUN step runs on the default bridge). */
    private static final String WEB_DOCKERFILE = """
            FROM busybox:latest
            RUN mkdir -p /www && echo compose-web > /www/index.html
            CMD ["httpd", "-f", "-p", "80", "-h", "/www"]
            """;

    private static BerthDaemon daemon;
    private static Path project;

    @BeforeAll
    static void start() throws Exception {
        Prerequisites.requireProgram("docker-compose", "apt-get install docker-compose");
        daemon = BerthDaemon.start();
        daemon.bootstrapBusybox();
        project = Files.createDirectories(daemon.scratch().resolve("shop"));
        Files.writeString(project.resolve("docker-compose.yml"), COMPOSE);
        Files.writeString(Files.createDirectories(project.resolve("web")).resolve("Dockerfile"), WEB_DOCKERFILE);
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            compose("down", "-v");
            daemon.removeAllContainers();
            daemon.close();
        }
    }

    private static CommandResult compose(String... args) {
        List<String> command = new ArrayList<>(List.of("docker-compose", "--no-ansi", "-p", "shop"));
        command.addAll(List.of(args));
        return Commands.run(
                command,
                Map.of(
                        "DOCKER_HOST",
                        daemon.host(),
                        "COMPOSE_PROJECT_NAME",
                        "shop",
                        "COMPOSE_FILE",
                        project.resolve("docker-compose.yml").toString(),
                        "HOME",
                        daemon.scratch().toString()),
                null);
    }

    @Test
    void buildUpPsLogsExecScaleAndDownWithVolumes() throws Exception {
        compose("up", "-d").ok();
        assertThat(daemon.docker("image", "ls", "--format", "{{.Repository}}").ok())
                .contains("shop_web");
        String ps = compose("ps").ok();
        assertThat(ps).contains("shop_web_1").contains("shop_client_1").contains("shop_store_1");
        assertThat(ps.lines().filter(l -> l.contains(" Up ")).count()).isEqualTo(3);

        String logs = "";
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!logs.contains("compose-web") && System.nanoTime() < deadline) {
            logs = compose("logs", "client").ok();
            Thread.sleep(200);
        }
        assertThat(logs).as("the client reached the web service by its name").contains("compose-web");
        assertThat(compose("exec", "-T", "store", "cat", "/data/file").ok()).isEqualTo("kept\n");
        String port = compose("port", "web", "80").ok().trim();
        assertThat(NetworkDockerCliIT.httpGet(Integer.parseInt(port.substring(port.lastIndexOf(':') + 1))))
                .contains("compose-web");

        compose("up", "-d", "--scale", "client=2").ok();
        assertThat(compose("ps", "client").ok()).contains("shop_client_1").contains("shop_client_2");

        compose("down", "-v").ok();
        assertThat(daemon.docker("ps", "-aq").ok()).isEmpty();
        assertThat(daemon.docker("network", "ls", "--format", "{{.Name}}").ok()).doesNotContain("shop_default");
        assertThat(daemon.docker("volume", "ls", "-q").ok()).doesNotContain("shop_data");
    }
}
