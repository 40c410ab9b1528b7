package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** berth daemon's TLS flags as dockerd reads them; the files' own checks are in berth-api's TlsFilesTest. */
class DaemonConfigTlsTest {
    @TempDir
    Path certs;

    /** The flags alone (no daemon.json). */
    private static DaemonConfig parse(String... args) {
        DaemonCommand command = new DaemonCommand();
        new CommandLine(command).parseArgs(args);
        return command.config;
    }

    private Map<String, String> env() {
        return Map.of("DOCKER_CERT_PATH", certs.toString());
    }

    @Test
    void withoutTlsFlagsTheTcpListenersArePlain() {
        assertThat(parse("-H", "tcp://127.0.0.1:2375").tls(env())).isNull();
        assertThat(parse("--tls=false").tls(env())).isNull();
    }

    @Test
    void tlsverifyReadsTheDefaultFilesOfDockerCertPathAndNamesTheMissingOne() {
        assertThatThrownBy(() -> parse("--tlsverify").tls(env()))
                .isInstanceOf(BerthException.class)
                .hasMessage("TLS certificate " + certs.resolve("cert.pem") + " does not exist");
    }

    @Test
    void tlsverifyFalseStillServesTlsAsDockerd() {
        assertThatThrownBy(() -> parse("--tlsverify=false").tls(env()))
                .hasMessage("TLS certificate " + certs.resolve("cert.pem") + " does not exist");
    }

    @Test
    void givenFilesWinOverTheDefaults() {
        Path cert = certs.resolve("mine/server.pem");
        assertThatThrownBy(() -> parse("--tls", "--tlscert", cert.toString(), "--tlskey", "/k.pem")
                        .tls(env()))
                .hasMessage("TLS certificate " + cert + " does not exist");
    }

    @Test
    void dockerTlsVerifyInTheEnvironmentTurnsTlsOn() {
        assertThatThrownBy(() -> parse().tls(Map.of("DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", certs.toString())))
                .hasMessageContaining(certs.resolve("cert.pem").toString());
    }
}
