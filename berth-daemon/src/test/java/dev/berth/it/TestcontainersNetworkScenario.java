package dev.berth.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * What a Testcontainers user does with networking, run in its own JVM by
 * {@link NetworkTestcontainersIT} against a Berth daemon: an exposed port waited for with an HTTP
 * check and reached through {@code getMappedPort}, and two containers on a {@link Network} where
 * one reaches the other by its alias. Prints "SCENARIO OK" when every step behaved.
 */
public final class TestcontainersNetworkScenario {
    private TestcontainersNetworkScenario() {}

    public static void main(String[] args) throws Exception {
        try (Network network = Network.newNetwork();
                GenericContainer<?> web = new GenericContainer<>(DockerImageName.parse("busybox:latest"))
                        .withCommand(
                                "sh",
                                "-c",
                                "mkdir -p /www && echo from-web > /www/index.html && exec httpd -f -p 80 -h /www")
                        .withExposedPorts(80)
                        .withNetwork(network)
                        .withNetworkAliases("web")
                        .waitingFor(Wait.forHttp("/").forStatusCode(200).withStartupTimeout(Duration.ofSeconds(60)));
                GenericContainer<?> client = new GenericContainer<>(DockerImageName.parse("busybox:latest"))
                        .withCommand("sleep", "300")
                        .withNetwork(network)) {
            web.start();
            int port = web.getMappedPort(80);
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://" + web.getHost() + ":" + port + "/"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            check(r.statusCode() == 200 && r.body().equals("from-web\n"), "GET through the mapped port: " + r.body());

            client.start();
            var fetched = client.execInContainer("wget", "-qO-", "http://web/");
            check(
                    fetched.getExitCode() == 0 && fetched.getStdout().equals("from-web\n"),
                    "the alias from another container: " + fetched);
        }
        System.out.println("SCENARIO OK");
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("failed: " + what);
        }
    }
}
