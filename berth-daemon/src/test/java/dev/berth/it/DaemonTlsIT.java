package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.Prerequisites;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A daemon started as Docker's "Protect the Docker daemon socket" page starts dockerd
 * ({@code --tlsverify --tlscacert --tlscert --tlskey -H tcp://…}, here partly in daemon.json), driven over TLS by the real
 * docker CLI and by the berth CLI (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH), with hijacked stdin and
 * followed streams; clients without a certificate of its CA, and plain HTTP, are refused.
 */
class DaemonTlsIT {
    private static BerthDaemon daemon;
    private static TestCertificates certs;
    private static String tcp;

    @BeforeAll
    static void start() throws IOException {
        Prerequisites.requireDaemonHost();
        Prerequisites.requireProgram("curl", "apt-get install curl");
        Path dir = Files.createTempDirectory("berth-tls-it-");
        certs = TestCertificates.generate(dir);
        tcp = "tcp://127.0.0.1:" + freePort();
        // Half the TLS settings come from daemon.json, under dockerd's keys, half from flags: the
        // daemon serves TLS only if it merges both.
        Path config = Files.writeString(
                dir.resolve("daemon.json"), "{\"tlsverify\": true, \"tlscacert\": \"" + certs.ca() + "\"}");
        daemon = BerthDaemon.start(
                "--config-file",
                config.toString(),
                "-H",
                tcp,
                "--tlscert",
                certs.serverCert().toString(),
                "--tlskey",
                certs.serverKey().toString());
        daemon.bootstrapBusybox();
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.removeAllContainers();
            daemon.close();
        }
        if (certs != null) {
            ServerProcess.removeDir(certs.ca().getParent());
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The real docker CLI over TLS with the files of {@code certDir} (null: no client certificate). */
    private static CommandResult dockerTls(Path certDir, Path stdin, String... args) {
        List<String> command = new ArrayList<>(
                List.of("docker", "--tlsverify", "--tlscacert", certs.ca().toString()));
        if (certDir != null) {
            command.addAll(List.of(
                    "--tlscert",
                    certDir.resolve("cert.pem").toString(),
                    "--tlskey",
                    certDir.resolve("key.pem").toString()));
        }
        command.addAll(List.of("-H", tcp));
        command.addAll(List.of(args));
        return Commands.run(
                command,
                Map.of(
                        "DOCKER_CONFIG",
                        daemon.scratch().resolve("docker-config").toString(),
                        "DOCKER_CERT_PATH",
                        daemon.scratch().resolve("no-certs").toString()),
                stdin);
    }

    private static CommandResult docker(String... args) {
        return dockerTls(certs.client(), null, args);
    }

    @Test
    void dockerCliSpeaksToTheDaemonOverTls() {
        assertThat(docker("version", "--format", "{{.Server.APIVersion}}").ok().strip())
                .isEqualTo("1.50");
        CommandResult r = docker("run", "--rm", "busybox", "echo", "over tls");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("over tls\n");
    }

    @Test
    void stdinOfRunDashIReachesTheContainerAndEndsOverTls() throws IOException {
        Path input = daemon.scratch().resolve("tls-stdin.txt");
        Files.writeString(input, "first line\nsecond line\n");
        CommandResult r =
                dockerTls(certs.client(), input, "run", "--rm", "-i", "busybox", "sh", "-c", "cat; echo done");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("first line\nsecond line\ndone\n");
    }

    @Test
    void logsFollowAndEventsStreamOverTls() {
        long since = System.currentTimeMillis() / 1000 - 1;
        String id = docker("run", "-d", "busybox", "sh", "-c", "echo one; sleep 1; echo two; sleep 1")
                .ok()
                .strip();
        CommandResult logs = docker("logs", "-f", id);
        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        assertThat(logs.stdout()).isEqualTo("one\ntwo\n");
        // --until in the future: the stream stays open (over TLS) until then, then ends.
        long until = System.currentTimeMillis() / 1000 + 2;
        CommandResult events = docker(
                "events",
                "--since",
                Long.toString(since),
                "--until",
                Long.toString(until),
                "--filter",
                "container=" + id,
                "--format",
                "{{.Action}}");
        assertThat(events.exitCode()).as(events.toString()).isZero();
        assertThat(events.stdout().lines()).containsSubsequence("create", "start", "die");
        docker("rm", id).ok();
    }

    @Test
    void aClientWithoutCertificateIsRefusedWithATlsError() {
        CommandResult r = dockerTls(null, null, "version", "--format", "{{.Server.APIVersion}}");
        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.stdout()).doesNotContain("1.50");
        assertThat(r.stderr()).contains("tls:");
    }

    @Test
    void aClientCertificateOfAnotherCaIsRefused() {
        CommandResult r = dockerTls(certs.otherClient(), null, "version", "--format", "{{.Server.APIVersion}}");
        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.stdout()).doesNotContain("1.50");
        assertThat(r.stderr()).contains("tls:");
    }

    @Test
    void plainHttpGetsNoApiAnswer() {
        CommandResult curl = Commands.run(
                List.of(
                        "curl",
                        "-sS",
                        "-i",
                        "--max-time",
                        "20",
                        "http://" + tcp.substring("tcp://".length()) + "/_ping"),
                Map.of(),
                null);
        assertThat(curl.stdout())
                .startsWith("HTTP/1.0 400 Bad Request")
                .contains("Client sent an HTTP request to an HTTPS server.")
                .doesNotContain("Api-Version");
        CommandResult plainDocker = Commands.run(
                List.of("docker", "-H", tcp, "version", "--format", "{{.Server.APIVersion}}"),
                Map.of(
                        "DOCKER_CONFIG",
                        daemon.scratch().resolve("docker-config").toString()),
                null);
        assertThat(plainDocker.exitCode()).isNotZero();
        assertThat(plainDocker.stderr()).contains("Client sent an HTTP request to an HTTPS server.");
    }

    @Test
    void theUnixSocketStaysPlain() {
        assertThat(daemon.docker("version", "--format", "{{.Server.APIVersion}}")
                        .ok()
                        .strip())
                .isEqualTo("1.50");
    }

    private static CommandResult berthTls(Path certPath, Path stdin, String... args) {
        List<String> command = new ArrayList<>(BerthDaemon.javaCommand());
        command.addAll(List.of(args));
        return Commands.run(
                command,
                Map.of("DOCKER_HOST", tcp, "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", certPath.toString()),
                stdin);
    }

    @Test
    void berthCliUsesDockerTlsVerifyAndDockerCertPath() throws IOException {
        assertThat(berthTls(certs.client(), null, "version").ok())
                .contains("Server:")
                .contains("1.50");
        Path input = daemon.scratch().resolve("berth-tls-stdin.txt");
        Files.writeString(input, "from berth\n");
        CommandResult run = berthTls(certs.client(), input, "run", "--rm", "-i", "busybox", "cat");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).isEqualTo("from berth\n");
    }

    @Test
    void berthCliWithoutACertificateOfTheCaFailsWithATlsError() throws IOException {
        CommandResult other = berthTls(certs.otherClient(), null, "version");
        assertThat(other.exitCode()).as(other.toString()).isNotZero();
        assertThat(other.stdout()).doesNotContain("Server:");
        assertThat(other.stderr()).contains("TLS");
        Path caOnly = Files.createDirectories(daemon.scratch().resolve("ca-only"));
        Files.copy(certs.ca(), caOnly.resolve("ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CommandResult none = berthTls(caOnly, null, "version");
        assertThat(none.exitCode()).as(none.toString()).isNotZero();
        assertThat(none.stderr()).contains("ended the TLS connection").contains("needs a client certificate");
    }

    @Test
    void berthCliGlobalFlagsMirrorDockers() {
        Path client = certs.client();
        List<String> command = new ArrayList<>(BerthDaemon.javaCommand());
        command.addAll(List.of(
                "--tlsverify",
                "--tlscacert",
                client.resolve("ca.pem").toString(),
                "--tlscert",
                client.resolve("cert.pem").toString(),
                "--tlskey",
                client.resolve("key.pem").toString(),
                "-H",
                tcp,
                "version"));
        assertThat(Commands.run(command, Map.of(), null).ok()).contains("Server:");
    }
}
