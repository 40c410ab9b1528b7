package dev.berth.it;

import dev.berth.testing.Prerequisites;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * TLS material made with openssl, as Docker's "Protect the Docker daemon socket" page makes it: a
 * CA, a server certificate for 127.0.0.1, a client certificate of that CA, and a client
 * certificate of another CA. Each client's files are in a directory of their own named as docker
 * expects them there ({@code ca.pem}, {@code cert.pem}, {@code key.pem}), for DOCKER_CERT_PATH.
 */
record TestCertificates(Path ca, Path serverCert, Path serverKey, Path client, Path otherClient) {

    static TestCertificates generate(Path dir) {
        Prerequisites.requireProgram("openssl", "apt-get install openssl");
        try {
            Files.createDirectories(dir);
            ca(dir, "ca");
            ca(dir, "other-ca");
            leaf(dir, "server", "ca", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
            leaf(dir, "client", "ca", "extendedKeyUsage=clientAuth\n");
            leaf(dir, "other-client", "other-ca", "extendedKeyUsage=clientAuth\n");
            Path client = certPath(dir, "client", "ca");
            Path otherClient = certPath(dir, "other-client", "ca");
            return new TestCertificates(
                    dir.resolve("ca.pem"),
                    dir.resolve("server-cert.pem"),
                    dir.resolve("server-key.pem"),
                    client,
                    otherClient);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void ca(Path dir, String name) {
        openssl(
                dir,
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=berth it " + name,
                "-keyout",
                name + "-key.pem",
                "-out",
                name + ".pem");
    }

    private static void leaf(Path dir, String name, String ca, String extensions) throws IOException {
        openssl(
                dir,
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=" + name,
                "-keyout",
                name + "-key.pem",
                "-out",
                name + ".csr");
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        openssl(
                dir,
                "x509",
                "-req",
                "-in",
                name + ".csr",
                "-CA",
                ca + ".pem",
                "-CAkey",
                ca + "-key.pem",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                name + ".ext",
                "-out",
                name + "-cert.pem");
    }

    /** DOCKER_CERT_PATH for a client: the daemon's CA and the client's own pair. */
    private static Path certPath(Path dir, String client, String ca) throws IOException {
        Path certs = Files.createDirectories(dir.resolve(client + "-certs"));
        Files.copy(dir.resolve(ca + ".pem"), certs.resolve("ca.pem"));
        Files.copy(dir.resolve(client + "-cert.pem"), certs.resolve("cert.pem"));
        Files.copy(dir.resolve(client + "-key.pem"), certs.resolve("key.pem"));
        return certs;
    }

    private static void openssl(Path dir, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        List<String> inDir = List.of("sh", "-c", "cd \"$0\" && exec \"$@\"", dir.toString());
        List<String> all = new java.util.ArrayList<>(inDir);
        all.addAll(command);
        Commands.run(all, Map.of(), null).ok();
    }
}
