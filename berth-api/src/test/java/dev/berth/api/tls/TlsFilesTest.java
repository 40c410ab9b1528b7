package dev.berth.api.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.BerthException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsFilesTest {
    static final Path FIXTURES = Path.of("src/test/resources/tls");

    @TempDir
    Path dir;

    @Test
    void daemonWithoutTlsFlagsServesPlain() {
        assertThat(TlsFiles.forDaemon(false, null, null, null, null, Map.of("HOME", "/home/u")))
                .isNull();
    }

    @Test
    void tlsverifyImpliesTlsWithDefaultsUnderHomeDocker() {
        TlsFiles files = TlsFiles.forDaemon(false, true, null, null, null, Map.of("HOME", "/home/u"));
        assertThat(files)
                .isEqualTo(new TlsFiles(
                        true,
                        Path.of("/home/u/.docker/ca.pem"),
                        Path.of("/home/u/.docker/cert.pem"),
                        Path.of("/home/u/.docker/key.pem")));
    }

    @Test
    void tlsAloneServesTlsWithoutVerifyingClients() {
        TlsFiles files =
                TlsFiles.forDaemon(true, null, null, Path.of("/c.pem"), Path.of("/k.pem"), Map.of("HOME", "/h"));
        assertThat(files.verify()).isFalse();
        assertThat(files.cert()).isEqualTo(Path.of("/c.pem"));
        assertThat(files.key()).isEqualTo(Path.of("/k.pem"));
    }

    @Test
    void tlsverifyFalseStillTurnsTlsOnAsDockerd() {
        TlsFiles files = TlsFiles.forDaemon(false, false, null, null, null, Map.of("HOME", "/h"));
        assertThat(files).isNotNull();
        assertThat(files.verify()).isFalse();
    }

    @Test
    void dockerCertPathThenDockerConfigChooseTheDefaultDirectory() {
        assertThat(TlsFiles.certDirectory(Map.of("DOCKER_CERT_PATH", "/certs", "DOCKER_CONFIG", "/cfg", "HOME", "/h")))
                .isEqualTo(Path.of("/certs"));
        assertThat(TlsFiles.certDirectory(Map.of("DOCKER_CONFIG", "/cfg", "HOME", "/h")))
                .isEqualTo(Path.of("/cfg"));
        TlsFiles files =
                TlsFiles.forDaemon(true, null, Path.of("/my/ca.pem"), null, null, Map.of("DOCKER_CERT_PATH", "/certs"));
        assertThat(files.ca()).isEqualTo(Path.of("/my/ca.pem"));
        assertThat(files.cert()).isEqualTo(Path.of("/certs/cert.pem"));
    }

    @Test
    void dockerTlsVerifySetToAnythingMeansVerifyAsDocker() {
        assertThat(TlsFiles.forDaemon(false, null, null, null, null, Map.of("DOCKER_TLS_VERIFY", "0", "HOME", "/h"))
                        .verify())
                .isTrue();
        assertThat(TlsFiles.forDaemon(false, null, null, null, null, Map.of("DOCKER_TLS_VERIFY", "", "HOME", "/h")))
                .isNull();
        assertThat(TlsFiles.forClient(false, null, null, null, null, Map.of("DOCKER_TLS_VERIFY", "1", "HOME", "/h"))
                        .verify())
                .isTrue();
    }

    @Test
    void clientLeavesOutAMissingDefaultCertificateButKeepsAGivenOne() throws Exception {
        TlsFiles none = TlsFiles.forClient(false, true, null, null, null, Map.of("DOCKER_CERT_PATH", dir.toString()));
        assertThat(none.cert()).isNull();
        assertThat(none.key()).isNull();
        assertThat(none.ca()).isEqualTo(dir.resolve("ca.pem"));
        Files.writeString(dir.resolve("cert.pem"), "x");
        Files.writeString(dir.resolve("key.pem"), "x");
        TlsFiles both = TlsFiles.forClient(false, true, null, null, null, Map.of("DOCKER_CERT_PATH", dir.toString()));
        assertThat(both.cert()).isEqualTo(dir.resolve("cert.pem"));
        assertThat(TlsFiles.forClient(false, null, null, null, null, Map.of("DOCKER_TLS", "1", "HOME", "/h"))
                        .verify())
                .isFalse();
        assertThat(TlsFiles.forClient(false, null, null, null, null, Map.of("HOME", "/h")))
                .isNull();
    }

    @Test
    void aMissingFileIsNamedAtStart() {
        TlsFiles files = TlsFiles.forDaemon(
                false,
                true,
                FIXTURES.resolve("ca.pem"),
                dir.resolve("nope.pem"),
                FIXTURES.resolve("server-key.pem"),
                Map.of());
        assertThatThrownBy(files::serverContext)
                .isInstanceOf(BerthException.class)
                .hasMessage("TLS certificate " + dir.resolve("nope.pem") + " does not exist");
        TlsFiles noCa = TlsFiles.forDaemon(
                false,
                true,
                dir.resolve("ca.pem"),
                FIXTURES.resolve("server-cert.pem"),
                FIXTURES.resolve("server-key.pem"),
                Map.of());
        assertThatThrownBy(noCa::serverContext)
                .hasMessage("TLS CA certificate " + dir.resolve("ca.pem") + " does not exist");
    }

    @Test
    void aFileThatIsNotPemIsNamed() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        TlsFiles files = new TlsFiles(false, null, junk, FIXTURES.resolve("server-key.pem"));
        assertThatThrownBy(files::serverContext)
                .hasMessage("TLS certificate " + junk + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        TlsFiles badKey = new TlsFiles(false, null, FIXTURES.resolve("server-cert.pem"), junk);
        assertThatThrownBy(badKey::serverContext)
                .hasMessage("TLS key " + junk + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() {
        TlsFiles files =
                new TlsFiles(false, null, FIXTURES.resolve("server-cert.pem"), FIXTURES.resolve("client-key.pem"));
        assertThatThrownBy(files::serverContext)
                .hasMessage("TLS key " + FIXTURES.resolve("client-key.pem") + " does not match the certificate "
                        + FIXTURES.resolve("server-cert.pem") + " (its public key is another)");
    }

    @Test
    void anRsaKeyInPkcs1FormLoadsAsTheSameKey() {
        assertThat(PemFiles.privateKey(FIXTURES.resolve("key-rsa.pem"), "TLS key"))
                .isEqualTo(PemFiles.privateKey(FIXTURES.resolve("server-key.pem"), "TLS key"));
        new TlsFiles(false, null, FIXTURES.resolve("server-cert.pem"), FIXTURES.resolve("key-rsa.pem")).serverContext();
    }

    @Test
    void anEcKeyInSec1FormLoadsAndServes() throws Exception {
        java.security.PrivateKey key = PemFiles.privateKey(FIXTURES.resolve("ec-key.pem"), "TLS key");
        assertThat(key.getAlgorithm()).isEqualTo("EC");
        // checks the pair by signing with the key and verifying with the certificate's public key
        new TlsFiles(false, null, FIXTURES.resolve("ec-cert.pem"), FIXTURES.resolve("ec-key.pem")).serverContext();

        Path noCurve = Files.writeString(
                dir.resolve("no-curve.pem"),
                "-----BEGIN EC PRIVATE KEY-----\nMAcCAQEEAgAB\n-----END EC PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemFiles.privateKey(noCurve, "TLS key"))
                .hasMessage("TLS key " + noCurve + ": the EC PRIVATE KEY names no curve");
        Path cut = Files.writeString(
                dir.resolve("cut.pem"), "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemFiles.privateKey(cut, "TLS key"))
                .hasMessage("TLS key " + cut + ": the EC PRIVATE KEY block is not valid DER");
    }

    @Test
    void anEncryptedKeyIsRefusedByName() throws Exception {
        Path key = Files.writeString(
                dir.resolve("enc.pem"),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemFiles.privateKey(key, "TLS key"))
                .hasMessage("TLS key " + key + " is encrypted; berth, like dockerd, needs an unencrypted key");
    }
}
