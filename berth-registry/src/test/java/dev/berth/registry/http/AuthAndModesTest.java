package dev.berth.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.digest.Digest;
import dev.berth.registry.config.RegistryConfig;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthAndModesTest {
    /** Made by `htpasswd -nbB alice 's3cret!'` (apache2-utils), so the $2y$ format is the real one. */
    static final String HTPASSWD_LINE = "alice:$2y$05$EiWUH0mrlZJDNEtahZGXS.Qa2mBDKKWW9gxfASNY.afUHBTMetH.y";

    @TempDir
    Path tmp;

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    Path htpasswd() throws Exception {
        Path f = tmp.resolve("htpasswd");
        Files.writeString(f, "# users\n" + HTPASSWD_LINE + "\n");
        return f;
    }

    @Test
    void basicAuthChallengesAndAcceptsBcryptHtpasswdUsers() throws Exception {
        var auth = new RegistryConfig.Auth(null, htpasswd().toString(), null, null, null);
        try (var reg =
                RegistryFixture.start(tmp.resolve("root"), new RegistryConfig(null, null, null, null, auth, null))) {
            var anon = reg.client.get("/v2/");
            assertThat(anon.status()).isEqualTo(401);
            assertThat(anon.header("WWW-Authenticate")).isEqualTo("Basic realm=\"Berth Registry\"");
            assertThat(anon.errorCodes()).containsExactly("UNAUTHORIZED");

            var wrong = reg.client.withAuthorization(basic("alice", "nope")).get("/v2/");
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(reg.client
                            .withAuthorization(basic("bob", "s3cret!"))
                            .get("/v2/")
                            .status())
                    .isEqualTo(401);

            RegistryClient alice = reg.client.withAuthorization(basic("alice", "s3cret!"));
            assertThat(alice.get("/v2/").status()).isEqualTo(200);
            Digest d = alice.pushBlob("private/app", "data".getBytes(StandardCharsets.UTF_8));
            assertThat(alice.get("/v2/private/app/blobs/" + d).text()).isEqualTo("data");
            assertThat(reg.client.get("/v2/private/app/blobs/" + d).status()).isEqualTo(401);
        }
    }

    @Test
    void tokensStayValidAcrossARestartWithAKeyOnlyRootCanRead() throws Exception {
        var auth = new RegistryConfig.Auth("token", htpasswd().toString(), null, null, null);
        var config = new RegistryConfig(null, null, null, null, auth, null);
        Path root = tmp.resolve("root");
        String token;
        try (var reg = RegistryFixture.start(root, config)) {
            token = reg.client
                    .withAuthorization(basic("alice", "s3cret!"))
                    .get("/token?service=berth-registry&scope=repository:lib/app:pull,push")
                    .json()
                    .path("token")
                    .asText();
            assertThat(reg.client
                            .withAuthorization("Bearer " + token)
                            .get("/v2/")
                            .status())
                    .isEqualTo(200);
        }
        Path key = root.resolve("token.key");
        assertThat(Files.getPosixFilePermissions(key))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        byte[] keyBytes = Files.readAllBytes(key);
        try (var reg = RegistryFixture.start(root, config)) {
            RegistryClient pusher = reg.client.withAuthorization("Bearer " + token);
            assertThat(pusher.get("/v2/").status()).isEqualTo(200);
            assertThat(pusher.post("/v2/lib/app/blobs/uploads/", new byte[0]).status())
                    .isEqualTo(202);
        }
        assertThat(Files.readAllBytes(key)).isEqualTo(keyBytes);
        // Another root has another key: the token means nothing there.
        try (var reg = RegistryFixture.start(tmp.resolve("other"), config)) {
            var r = reg.client.withAuthorization("Bearer " + token).get("/v2/");
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
        }
    }

    @Test
    void tokenAuthChallengesWithRealmServiceAndScopeAndIssuesScopedTokens() throws Exception {
        var auth = new RegistryConfig.Auth("token", htpasswd().toString(), null, null, null);
        try (var reg =
                RegistryFixture.start(tmp.resolve("root"), new RegistryConfig(null, null, null, null, auth, null))) {
            String realm = "http://127.0.0.1:" + reg.port() + "/token";
            var base = reg.client.get("/v2/");
            assertThat(base.status()).isEqualTo(401);
            assertThat(base.header("WWW-Authenticate"))
                    .isEqualTo("Bearer realm=\"" + realm + "\",service=\"berth-registry\"");

            var tags = reg.client.get("/v2/lib/app/tags/list");
            assertThat(tags.header("WWW-Authenticate"))
                    .isEqualTo("Bearer realm=\"" + realm
                            + "\",service=\"berth-registry\",scope=\"repository:lib/app:pull\"");
            assertThat(tags.errorCodes()).containsExactly("UNAUTHORIZED");

            String tokenUrl = "/token?service=berth-registry&scope=repository:lib/app:pull";
            var anonToken = reg.client.get(tokenUrl);
            assertThat(anonToken.status()).isEqualTo(401);
            assertThat(anonToken.header("WWW-Authenticate")).startsWith("Basic ");
            var pullTokenResponse =
                    reg.client.withAuthorization(basic("alice", "s3cret!")).get(tokenUrl);
            assertThat(pullTokenResponse.status()).isEqualTo(200);
            String pullToken = pullTokenResponse.json().path("token").asText();
            assertThat(pullTokenResponse.json().path("expires_in").asLong()).isEqualTo(300);

            RegistryClient puller = reg.client.withAuthorization("Bearer " + pullToken);
            assertThat(puller.get("/v2/").status()).isEqualTo(200);
            assertThat(puller.get("/v2/lib/app/tags/list").errorCodes()).containsExactly("NAME_UNKNOWN");
            var push = puller.post("/v2/lib/app/blobs/uploads/", new byte[0]);
            assertThat(push.status()).isEqualTo(401);
            assertThat(push.header("WWW-Authenticate"))
                    .contains("scope=\"repository:lib/app:pull,push\"")
                    .contains("error=\"insufficient_scope\"");
            assertThat(puller.get("/v2/other/tags/list").status()).isEqualTo(401);

            String pushToken = reg.client
                    .withAuthorization(basic("alice", "s3cret!"))
                    .get("/token?service=berth-registry&scope=repository:lib/app:pull,push")
                    .json()
                    .path("token")
                    .asText();
            RegistryClient pusher = reg.client.withAuthorization("Bearer " + pushToken);
            Digest d = pusher.pushBlob("lib/app", "x".getBytes(StandardCharsets.UTF_8));
            assertThat(pusher.get("/v2/lib/app/blobs/" + d).text()).isEqualTo("x");

            var forged = reg.client
                    .withAuthorization("Bearer " + pushToken.substring(0, pushToken.length() - 4) + "AAAA")
                    .get("/v2/");
            assertThat(forged.status()).isEqualTo(401);
            assertThat(forged.header("WWW-Authenticate")).contains("error=\"invalid_token\"");

            var wrongService =
                    reg.client.withAuthorization(basic("alice", "s3cret!")).get("/token?service=other&scope=x:y:z");
            assertThat(wrongService.status()).isEqualTo(400);
            assertThat(wrongService.errorCodes()).containsExactly("DENIED");
        }
    }

    @Test
    void readOnlyModeServesPullsAndRefusesWrites() throws Exception {
        Path root = tmp.resolve("root");
        Digest d;
        try (var reg = RegistryFixture.start(root)) {
            d = reg.client.pushBlob("ro", "kept".getBytes(StandardCharsets.UTF_8));
        }
        Path config = tmp.resolve("config.yml");
        Files.writeString(config, "readOnly: true\ngc:\n  delaySeconds: 60\n");
        try (var reg = RegistryFixture.start(root, RegistryConfig.load(config))) {
            assertThat(reg.client.get("/v2/ro/blobs/" + d).text()).isEqualTo("kept");
            var post = reg.client.post("/v2/ro/blobs/uploads/", new byte[0]);
            assertThat(post.status()).isEqualTo(405);
            assertThat(post.errorCodes()).containsExactly("UNSUPPORTED");
            assertThat(reg.client.delete("/v2/ro/blobs/" + d).status()).isEqualTo(405);
            assertThat(reg.client
                            .put("/v2/ro/manifests/x", "{}".getBytes(StandardCharsets.UTF_8), null)
                            .status())
                    .isEqualTo(405);
        }
    }

    @Test
    void malformedRequestsGetTheirErrorCodes() {
        try (var reg = RegistryFixture.start(tmp.resolve("root"))) {
            var name = reg.client.get("/v2/Upper/Case/tags/list");
            assertThat(name.status()).isEqualTo(400);
            assertThat(name.errorCodes()).containsExactly("NAME_INVALID");
            assertThat(reg.client.get("/v2/a//b/tags/list").errorCodes()).containsExactly("NAME_INVALID");
            var method = reg.client.send("PATCH", "/v2/x/manifests/latest", new byte[0], Map.of());
            assertThat(method.status()).isEqualTo(405);
            assertThat(method.errorCodes()).containsExactly("UNSUPPORTED");
            var nowhere = reg.client.get("/v3/");
            assertThat(nowhere.status()).isEqualTo(404);
            assertThat(reg.client.get("/v2/x/blobs/md5:abc").errorCodes()).containsExactly("DIGEST_INVALID");
        }
    }

    /** A self-signed certificate for 127.0.0.1 made by the JDK's keytool, exported as PEM files. */
    static void selfSignedCertificate(Path p12, Path certPem, Path keyPem) throws Exception {
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(
                        keytool,
                        "-genkeypair",
                        "-alias",
                        "registry",
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-validity",
                        "1",
                        "-dname",
                        "CN=127.0.0.1",
                        "-ext",
                        "SAN=IP:127.0.0.1",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        p12.toString(),
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, "changeit".toCharArray());
        }
        Base64.Encoder pem = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        Files.writeString(
                certPem,
                "-----BEGIN CERTIFICATE-----\n"
                        + pem.encodeToString(ks.getCertificate("registry").getEncoded())
                        + "\n-----END CERTIFICATE-----\n");
        Files.writeString(
                keyPem,
                "-----BEGIN PRIVATE KEY-----\n"
                        + pem.encodeToString(
                                ks.getKey("registry", "changeit".toCharArray()).getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
    }

    @Test
    void tlsServesWithTheGivenCertificateAndKey() throws Exception {
        Path cert = tmp.resolve("cert.pem");
        Path key = tmp.resolve("key.pem");
        selfSignedCertificate(tmp.resolve("tls.p12"), cert, key);
        var tls = new RegistryConfig.Tls(cert.toString(), key.toString());
        try (var reg =
                RegistryFixture.start(tmp.resolve("root"), new RegistryConfig(null, null, null, tls, null, null))) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(cert)) {
                trust.setCertificateEntry(
                        "registry", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            RegistryClient https = new RegistryClient(
                    "https://127.0.0.1:" + reg.port(),
                    HttpClient.newBuilder().sslContext(ssl).build());
            assertThat(https.get("/v2/").status()).isEqualTo(200);
            byte[] big = BlobEndpointsTest.random(1_500_000, 42);
            Digest d = https.pushBlob("secure", big);
            assertThat(https.get("/v2/secure/blobs/" + d).body()).isEqualTo(big);
            // Plain HTTP on the TLS port gets Go's answer (what distribution's clients see), never the API.
            var plain = reg.client.get("/v2/");
            assertThat(plain.status()).isEqualTo(400);
            assertThat(plain.text()).isEqualTo("Client sent an HTTP request to an HTTPS server.\n");
            assertThat(plain.header("Docker-Distribution-API-Version")).isNull();
        }
    }
}
